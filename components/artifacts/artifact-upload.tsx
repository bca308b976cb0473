"use client";

import { useMemo, useState, type FormEvent } from "react";
import { useCertificates } from "@/lib/client/hooks";
import { ApiError } from "@/lib/client/api";
import { ARTIFACT_LABEL, STORE_NAME, useUploadArtifact, type ArtifactItem, type UploadProgress } from "@/lib/client/artifacts";
import { useTrust } from "@/lib/client/settings-hooks";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, Select } from "../ui/field";
import { ProgressBar } from "../ui/progress-bar";
import { GrafanaRootUrls } from "../orgs/grafana-root-urls";

const MB = 1024 * 1024;

/** What each store's upload must be (docs/targets.md). */
const ARCHIVE_RULE: Record<string, string> = {
  jami: "A .jpl whose manifest.json id is the plugin's id.",
  mattermost: "The .tar.gz from make dist, with plugin.json (or plugin.yaml) whose id is the plugin's id.",
  grafana: "A zip whose single top folder is the plugin id, holding plugin.json (id, info.version). Any MANIFEST.txt is replaced.",
  dify: "A .difypkg with manifest.yaml whose name is the last part of the plugin id, and no folder entries.",
  mender: "An unsigned .mender artifact (mender-artifact write …) without augment sections.",
};
const formatMb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

const formatName = (t: string) => (STORE_NAME[t] ? `${STORE_NAME[t]} (${ARTIFACT_LABEL[t]})` : t);

export function ArtifactUpload({ slug, isAdmin = false, grafanaRootUrls = [] }: { slug: string; isAdmin?: boolean; grafanaRootUrls?: string[] }) {
  const certificates = useCertificates({ org: slug, kind: "plugin", status: "issued" });
  const upload = useUploadArtifact(slug);
  // The targets the store signs for are public (/api/v1/trust): jami first, then those an operator enabled.
  const trust = useTrust();
  const targets = (trust.data?.targets ?? [{ target: "jami" }]).map((t) => t.target);
  const [progress, setProgress] = useState<UploadProgress>();
  const [signed, setSigned] = useState<ArtifactItem>();
  const [error, setError] = useState<string>();
  // A refusal of the archive itself (bad format, wrong id, size) is shown on the file field.
  const [fileError, setFileError] = useState<string>();
  const [target, setTarget] = useState("jami");
  // Only hosted keys can sign on the server; an external key signs offline with `signet sign`.
  const pluginIds = useMemo(() => [...new Set((certificates.data?.items ?? []).filter((c) => c.keyMode === "hosted" && c.pluginId).map((c) => c.pluginId!))].sort(), [certificates.data]);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const file = form.get("archive");
    setError(undefined);
    setFileError(undefined);
    if (!(file instanceof File) || file.size === 0) return setFileError("Choose a plugin archive first");
    setSigned(undefined);
    setProgress({ loaded: 0, total: file.size });
    try {
      setSigned(await upload.mutateAsync({ pluginId: String(form.get("pluginId")), file, onProgress: setProgress, target }));
    } catch (err) {
      const message = err instanceof Error ? err.message : "The upload failed";
      if (err instanceof ApiError && (err.status === 400 || err.status === 413 || err.status === 415)) setFileError(message);
      else setError(message);
      setProgress(undefined);
    }
  }

  const percent = progress && progress.total > 0 ? (progress.loaded / progress.total) * 100 : 0;
  const uploaded = progress && progress.loaded >= progress.total;

  return (
    <Card title="Sign a plugin archive" description="Upload a plugin in its store's format. Signet checks it, signs it (Jami: every file, with the plugin's hosted key; the other stores: with the store's own key), and returns the signed artifact plus a detached CMS signature (.p7s) by the plugin certificate.">
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
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Store format" htmlFor="artifact-target" hint="The stores an operator enabled in Settings.">
              <Select id="artifact-target" name="target" value={target} onChange={(e) => { setTarget(e.target.value); setFileError(undefined); }}>
                {targets.map((t) => (
                  <option key={t} value={t}>{formatName(t)}</option>
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
            <div className="sm:col-span-2">
            <Field label="Plugin archive" htmlFor="artifact-file" error={fileError} hint={`${ARCHIVE_RULE[target] ?? ""} Up to 256 MB.`}>
              <input
                id="artifact-file"
                name="archive"
                type="file"
                accept=".jpl,.zip,.tar.gz,.tgz,.difypkg,.mender,application/zip,application/gzip"
                required
                aria-invalid={fileError ? true : undefined}
                aria-describedby={fileError ? "artifact-file-error" : undefined}
                onChange={() => setFileError(undefined)}
                className="block w-full max-w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-medium aria-invalid:text-red-700 dark:file:bg-slate-800 dark:aria-invalid:text-red-300"
              />
            </Field>
            </div>
          </div>
          {progress ? (
            <ProgressBar value={percent} label="Upload progress">
              {uploaded ? (upload.isPending ? "Uploaded — signing on the server…" : "Uploaded and signed") : `Uploading… ${Math.floor(percent)}% (${formatMb(progress.loaded)} of ${formatMb(progress.total)})`}
            </ProgressBar>
          ) : null}
          <Button type="submit" disabled={upload.isPending}>{upload.isPending ? "Working…" : "Upload and sign"}</Button>
        </form>
      ) : null}
      {pluginIds.length > 0 && target === "grafana" ? (
        <div className="mt-4">
          <GrafanaRootUrls slug={slug} rootUrls={grafanaRootUrls} isAdmin={isAdmin} onSaved={() => setError(undefined)} />
        </div>
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
            {signed.target && signed.target !== "jami" ? (
              <p className="mt-2 text-xs">
                {signed.target === "mattermost" ? "Publish the .tar.gz with its .sig beside it. " : null}Hosts accept it once they trust this store&apos;s {STORE_NAME[signed.target] ?? signed.target} key: see{" "}
                <a className="font-semibold underline" href="/trust">what to install</a>.
              </p>
            ) : null}
          </Alert>
        </div>
      ) : null}
    </Card>
  );
}
