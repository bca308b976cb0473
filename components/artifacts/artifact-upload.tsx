"use client";

import { useMemo, useState, type FormEvent } from "react";
import { useCertificates } from "@/lib/client/hooks";
import { useUploadArtifact, type ArtifactItem, type UploadProgress } from "@/lib/client/artifacts";
import { useTrust } from "@/lib/client/settings-hooks";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, Select } from "../ui/field";
import { ProgressBar } from "../ui/progress-bar";

const MB = 1024 * 1024;
const formatMb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

export function ArtifactUpload({ slug }: { slug: string }) {
  const certificates = useCertificates({ org: slug, kind: "plugin", status: "issued" });
  const upload = useUploadArtifact(slug);
  // The targets the store signs for are public (/api/v1/trust): jami first, then those an operator enabled.
  const trust = useTrust();
  const targets = (trust.data?.targets ?? [{ target: "jami" }]).map((t) => t.target);
  const [progress, setProgress] = useState<UploadProgress>();
  const [signed, setSigned] = useState<ArtifactItem>();
  const [error, setError] = useState<string>();
  // Only hosted keys can sign on the server; an external key signs offline with `signet sign`.
  const pluginIds = useMemo(() => [...new Set((certificates.data?.items ?? []).filter((c) => c.keyMode === "hosted" && c.pluginId).map((c) => c.pluginId!))].sort(), [certificates.data]);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const file = form.get("archive");
    if (!(file instanceof File) || file.size === 0) return setError("Choose a plugin archive first");
    setError(undefined);
    setSigned(undefined);
    setProgress({ loaded: 0, total: file.size });
    try {
      setSigned(await upload.mutateAsync({ pluginId: String(form.get("pluginId")), file, onProgress: setProgress, target: String(form.get("target") ?? "jami") }));
    } catch (err) {
      setError(err instanceof Error ? err.message : "The upload failed");
      setProgress(undefined);
    }
  }

  const percent = progress && progress.total > 0 ? (progress.loaded / progress.total) * 100 : 0;
  const uploaded = progress && progress.loaded >= progress.total;

  return (
    <Card title="Sign a plugin archive" description="Upload a plugin in its store's format: Signet checks it, signs it (Jami: every file with the plugin's hosted key; Mattermost, Grafana: with the store's key), and returns the signed artifact with a detached CMS signature by the plugin certificate.">
      {certificates.isLoading ? <p className="text-sm text-slate-500">Loading…</p> : null}
      {certificates.data && pluginIds.length === 0 ? (
        <Alert tone="info">
          No plugin here has a valid certificate with a hosted key. Request one (key “Hosted by Signet”) above; plugins whose key you hold are signed offline with{" "}
          <code className="font-mono">npx signet sign</code>.
        </Alert>
      ) : null}
      {pluginIds.length > 0 ? (
        <form onSubmit={onSubmit} className="space-y-4" aria-label="Sign a plugin archive">
          {error ? <Alert>{error}</Alert> : null}
          <div className="grid gap-4 sm:grid-cols-3">
            <Field label="Store format" htmlFor="artifact-target" hint="Jami .jpl, Mattermost .tar.gz, Grafana .zip, Dify .difypkg, Mender .mender">
              <Select id="artifact-target" name="target" defaultValue="jami">
                {targets.map((t) => (
                  <option key={t} value={t}>{t}</option>
                ))}
              </Select>
            </Field>
            <Field label="Plugin" htmlFor="artifact-plugin">
              <Select id="artifact-plugin" name="pluginId" defaultValue={pluginIds[0]}>
                {pluginIds.map((id) => (
                  <option key={id} value={id}>{id}</option>
                ))}
              </Select>
            </Field>
            <Field label="Plugin archive" htmlFor="artifact-file" hint="Up to 256 MB. The manifest's id must be the plugin's id.">
              <input id="artifact-file" name="archive" type="file" accept=".jpl,.zip,.tar.gz,.tgz,.difypkg,.mender,application/zip,application/gzip" required className="block w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-medium dark:file:bg-slate-800" />
            </Field>
          </div>
          {progress ? (
            <ProgressBar value={percent} label="Upload progress">
              {uploaded ? (upload.isPending ? "Uploaded — signing on the server…" : "Uploaded and signed") : `Uploading… ${Math.floor(percent)}% (${formatMb(progress.loaded)} of ${formatMb(progress.total)})`}
            </ProgressBar>
          ) : null}
          <Button type="submit" disabled={upload.isPending}>{upload.isPending ? "Working…" : "Upload and sign"}</Button>
        </form>
      ) : null}
      {signed ? (
        <div className="mt-4">
          <Alert tone="success">
            <p>
              Signed <strong>{signed.pluginId}</strong> {signed.version} — {signed.fileCount} entries, certificate {signed.certificateSerial.slice(0, 16)}…
            </p>
            <p className="mt-1 break-all font-mono text-xs">sha256 {signed.sha256}</p>
            <p className="mt-2 flex flex-wrap gap-4">
              <a className="font-semibold underline" href={signed.downloadUrl} download>Download signed archive</a>
              <a className="font-semibold underline" href={signed.signatureUrl} download>Download signature (.p7s)</a>
              {signed.storeSignatureUrl ? <a className="font-semibold underline" href={signed.storeSignatureUrl} download>Download Mattermost signature (.sig)</a> : null}
            </p>
          </Alert>
        </div>
      ) : null}
    </Card>
  );
}
