"use client";

import { useEffect, useState, type FormEvent } from "react";
import { apiFetch } from "@/lib/client/api";
import { useRequestPluginCert } from "@/lib/client/hooks";
import { generateBrowserKeyAndCsr } from "@/lib/client/browser-key";
import { errorSummary, fieldErrorsOf, invalidProps, type FieldErrors } from "@/lib/client/field-errors";
import type { WillIssue } from "@/lib/client/types";
import { downloadNow, KeyFileNotice, makeKeyFile, type KeyFile } from "../keys/key-file-notice";
import { PASSPHRASE_LABELS, PassphraseFields, readPassphrase } from "../keys/passphrase-fields";
import { useUnsavedKeyGuard } from "../keys/unsaved-key-guard";
import { CsrDifferences } from "../requests/csr-differences";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, Select, TextInput } from "../ui/field";

type Mode = "browser" | "csr" | "hosted";

// Store policy decides who approves plugin certificates; the console says so instead of promising an org admin.
const APPROVER = { "org-admin": "An organization admin approves it", operator: "A store operator approves it (store policy)" } as const;
// The API's field paths, in the words of this form's labels.
const LABELS: Record<string, string> = { pluginId: "Plugin id", csrPem: "CSR", keyAlgorithm: "Key algorithm", ...PASSPHRASE_LABELS };
const TEXTAREA = "block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-xs ring-1 ring-slate-300 ring-inset aria-invalid:ring-red-600 dark:bg-slate-900 dark:ring-slate-700 dark:aria-invalid:ring-red-400";

export function PluginCertRequestForm({ slug, prefix, approver }: { slug: string; prefix: string; approver: keyof typeof APPROVER }) {
  const request = useRequestPluginCert(slug);
  const [mode, setMode] = useState<Mode>("browser");
  const [pluginId, setPluginId] = useState(prefix);
  const [csrPem, setCsrPem] = useState("");
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<FieldErrors>({});
  const [preview, setPreview] = useState<WillIssue>();
  const [previewFields, setPreviewFields] = useState<FieldErrors>({});
  const [keyFile, setKeyFile] = useState<KeyFile>();
  const [keySaved, setKeySaved] = useState(false);
  useUnsavedKeyGuard(Boolean(keyFile) && !keySaved);

  // The dry run: how the certificate will be named, and (for an uploaded CSR) what of it is ignored,
  // from the same checks and profile code the request and its approval use.
  useEffect(() => {
    const id = pluginId.trim();
    if (!id || id === prefix || (mode === "csr" && !csrPem.trim())) {
      setPreview(undefined);
      setPreviewFields({});
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      apiFetch<{ willIssue: WillIssue }>(`/api/v1/orgs/${encodeURIComponent(slug)}/plugin-cert-requests/preview`, { json: { pluginId: id, ...(mode === "csr" ? { csrPem } : {}) } })
        .then((r) => {
          if (!live) return;
          setPreview(r.willIssue);
          setPreviewFields({});
        })
        .catch((err: unknown) => {
          if (!live) return;
          setPreview(undefined);
          setPreviewFields(fieldErrorsOf(err));
        });
    }, 400);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [slug, prefix, pluginId, csrPem, mode]);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const id = pluginId.trim();
    setError(undefined);
    setMessage(undefined);
    setFields({});
    try {
      let body: { pluginId: string; csrPem?: string; keyAlgorithm?: string } = { pluginId: id };
      let file: KeyFile | undefined;
      if (mode === "browser") {
        const { passphrase, problems } = readPassphrase(form);
        if (problems) {
          setFields(problems);
          setError(Object.entries(problems).map(([k, v]) => `${LABELS[k]}: ${v}`).join(" · "));
          return;
        }
        // The private key is generated here and saved from here; only the CSR leaves the browser.
        const { csrPem: generated, pkcs8 } = await generateBrowserKeyAndCsr(id, Number(form.get("bits")));
        file = await makeKeyFile(pkcs8, passphrase, `${id}.key`);
        body = { pluginId: id, csrPem: generated };
      } else if (mode === "csr") {
        body = { pluginId: id, csrPem };
      } else {
        body = { pluginId: id, keyAlgorithm: String(form.get("keyAlgorithm")) };
      }
      await request.mutateAsync(body);
      if (file) {
        if (keyFile) URL.revokeObjectURL(keyFile.href);
        setKeyFile(file);
        setKeySaved(false);
        downloadNow(file);
      }
      setMessage(`Request for ${id} submitted. ${APPROVER[approver]}; follow it in the Requests list below.`);
    } catch (err) {
      setError(errorSummary(err, LABELS, "The request failed"));
      setFields(fieldErrorsOf(err));
    }
  }

  async function onCsrFile(files: FileList | null) {
    const f = files?.[0];
    if (!f) return;
    forget("csrPem");
    setCsrPem(f.size > 70_000 ? "" : await f.text());
    if (f.size > 70_000) setFields({ csrPem: "The file is larger than a CSR can be (70 kB)" });
  }

  // A submit's error on a field lasts until that field changes; the dry run's follow the input.
  const fieldError = (name: string) => fields[name] ?? previewFields[name];
  const forget = (name: string) => {
    setFields(({ [name]: _gone, ...rest }) => rest);
    setError(undefined);
  };

  return (
    <Card title="Request a plugin certificate" description={`Plugin ids must start with ${prefix} · ${APPROVER[approver]}.`}>
      <form onSubmit={onSubmit} className="space-y-4" aria-label="Request a plugin certificate" noValidate>
        {error ? <Alert>{error}</Alert> : null}
        {message ? <Alert tone="success">{message}</Alert> : null}
        {keyFile ? <KeyFileNotice file={keyFile} saved={keySaved} onSaved={() => setKeySaved(true)} /> : null}
        <Field label="Plugin id" htmlFor="pluginId" error={fieldError("pluginId")}>
          <TextInput id="pluginId" name="pluginId" required value={pluginId} onChange={(e) => { setPluginId(e.target.value); forget("pluginId"); }} {...invalidProps("pluginId", fieldError("pluginId"))} />
        </Field>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Key</legend>
          {(
            [
              ["browser", "Generate a key in this browser", "RSA key made with WebCrypto; the private key downloads when you submit (encrypted if you choose a passphrase), only the CSR is sent."],
              ["csr", "Upload a CSR", "You made the key yourself (npx signet csr --plugin ID --org NAME)."],
              ["hosted", "Hosted by Signet", "Signet generates and holds the key, and can sign your uploaded archives."],
            ] as const
          ).map(([value, label, hint]) => (
            <label key={value} className="flex items-start gap-2 text-sm">
              <input type="radio" name="mode" value={value} checked={mode === value} onChange={() => setMode(value)} className="mt-1" />
              <span>
                <strong>{label}</strong> — <span className="text-slate-600 dark:text-slate-400">{hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {mode === "browser" ? (
          <>
            <Field label="Key size" htmlFor="bits">
              <Select id="bits" name="bits" defaultValue="3072">
                <option value="3072">RSA 3072</option>
                <option value="4096">RSA 4096</option>
                <option value="2048">RSA 2048</option>
              </Select>
            </Field>
            <PassphraseFields fields={fields} />
          </>
        ) : null}
        {mode === "csr" ? (
          <div className="space-y-2">
            <Field label="CSR (PEM)" htmlFor="csrPem" error={fieldError("csrPem")} hint="Paste it, or choose the file below.">
              <textarea id="csrPem" name="csrPem" required rows={6} value={csrPem} onChange={(e) => { setCsrPem(e.target.value); forget("csrPem"); }} className={TEXTAREA} {...invalidProps("csrPem", fieldError("csrPem"))} />
            </Field>
            <Field label="CSR file" htmlFor="csrFile">
              <input id="csrFile" type="file" accept=".csr,.pem,.req,text/plain" onChange={(e) => void onCsrFile(e.target.files)} className="block text-sm" />
            </Field>
          </div>
        ) : null}
        {mode === "hosted" ? (
          <Field label="Key algorithm" htmlFor="keyAlgorithm" error={fields.keyAlgorithm}>
            <Select id="keyAlgorithm" name="keyAlgorithm" defaultValue="rsa-3072" {...invalidProps("keyAlgorithm", fields.keyAlgorithm)}>
              <option value="rsa-3072">RSA 3072</option>
              <option value="rsa-4096">RSA 4096</option>
              <option value="rsa-2048">RSA 2048</option>
            </Select>
          </Field>
        ) : null}
        {preview ? <CsrDifferences willIssue={preview} /> : null}
        <Button type="submit" disabled={request.isPending}>{request.isPending ? "Submitting…" : "Submit request"}</Button>
      </form>
    </Card>
  );
}
