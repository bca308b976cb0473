"use client";

import { useState, type FormEvent } from "react";
import { useRequestPluginCert } from "@/lib/client/hooks";
import { generateBrowserKeyAndCsr } from "@/lib/client/browser-key";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, Select, TextInput } from "../ui/field";

type Mode = "browser" | "csr" | "hosted";

// Store policy decides who approves plugin certificates; the console says so instead of promising an org admin.
const APPROVER = { "org-admin": "An organization admin approves it", operator: "A store operator approves it (store policy)" } as const;

export function PluginCertRequestForm({ slug, prefix, approver }: { slug: string; prefix: string; approver: keyof typeof APPROVER }) {
  const request = useRequestPluginCert(slug);
  const [mode, setMode] = useState<Mode>("browser");
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  const [keyDownload, setKeyDownload] = useState<{ href: string; name: string }>();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const pluginId = String(form.get("pluginId")).trim();
    setError(undefined);
    setMessage(undefined);
    try {
      let body: { pluginId: string; csrPem?: string; keyAlgorithm?: string } = { pluginId };
      if (mode === "browser") {
        // The private key is generated here and offered as a download; only the CSR leaves the browser.
        const { csrPem, privateKeyPem } = await generateBrowserKeyAndCsr(pluginId, Number(form.get("bits")));
        const href = URL.createObjectURL(new Blob([privateKeyPem], { type: "application/x-pem-file" }));
        setKeyDownload({ href, name: `${pluginId}.key` });
        body = { pluginId, csrPem };
      } else if (mode === "csr") {
        body = { pluginId, csrPem: String(form.get("csrPem")) };
      } else {
        body = { pluginId, keyAlgorithm: String(form.get("keyAlgorithm")) };
      }
      await request.mutateAsync(body);
      setMessage(`Request for ${pluginId} submitted. ${APPROVER[approver]}; follow it in the Requests list below.`);
    } catch (err) {
      setError(err instanceof Error ? err.message : "The request failed");
    }
  }

  return (
    <Card title="Request a plugin certificate" description={`Plugin ids must start with ${prefix} · ${APPROVER[approver]}.`}>
      <form onSubmit={onSubmit} className="space-y-4" aria-label="Request a plugin certificate">
        {error ? <Alert>{error}</Alert> : null}
        {message ? <Alert tone="success">{message}</Alert> : null}
        {keyDownload ? (
          <Alert tone="info">
            Your private key never left this browser.{" "}
            <a href={keyDownload.href} download={keyDownload.name} className="font-semibold underline">
              Download {keyDownload.name}
            </a>{" "}
            now and keep it safe: Signet cannot recover it.
          </Alert>
        ) : null}
        <Field label="Plugin id" htmlFor="pluginId">
          <TextInput id="pluginId" name="pluginId" required defaultValue={prefix} />
        </Field>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Key</legend>
          {(
            [
              ["browser", "Generate a key in this browser", "RSA key made with WebCrypto; you download the private key, only the CSR is sent."],
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
          <Field label="Key size" htmlFor="bits">
            <Select id="bits" name="bits" defaultValue="3072">
              <option value="3072">RSA 3072</option>
              <option value="4096">RSA 4096</option>
              <option value="2048">RSA 2048</option>
            </Select>
          </Field>
        ) : null}
        {mode === "csr" ? (
          <Field label="CSR (PEM)" htmlFor="csrPem">
            <textarea id="csrPem" name="csrPem" required rows={6} className="block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-xs ring-1 ring-slate-300 ring-inset dark:bg-slate-900 dark:ring-slate-700" />
          </Field>
        ) : null}
        {mode === "hosted" ? (
          <Field label="Key algorithm" htmlFor="keyAlgorithm">
            <Select id="keyAlgorithm" name="keyAlgorithm" defaultValue="rsa-3072">
              <option value="rsa-3072">RSA 3072</option>
              <option value="rsa-4096">RSA 4096</option>
              <option value="rsa-2048">RSA 2048</option>
            </Select>
          </Field>
        ) : null}
        <Button type="submit" disabled={request.isPending}>{request.isPending ? "Submitting…" : "Submit request"}</Button>
      </form>
    </Card>
  );
}
