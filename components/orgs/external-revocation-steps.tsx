"use client";

// Revocation data of an external-key CA: the CRLs the organization signs and uploads, and the
// delegated OCSP responder key Signet holds and the organization certifies.
import { useState, type FormEvent } from "react";
import { useInstallResponder, useResponderCsr, useResponderState, useUploadCrl, useUploadedCrl } from "@/lib/client/external-ca-hooks";
import { invalidProps } from "@/lib/client/field-errors";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field } from "../ui/field";
import { Command, PEM_AREA, StepTitle } from "./external-ca-steps";

const when = (iso: string) => new Date(iso).toLocaleString();

export function CrlUploadStep({ caId, isAdmin }: { caId: string; isAdmin: boolean }) {
  const state = useUploadedCrl(caId);
  const upload = useUploadCrl(caId);
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const file = (new FormData(form).get("crlFile") as File | null) ?? undefined;
    if (!file || file.size === 0) return setError("Choose a DER CRL file");
    setError(undefined);
    setMessage(undefined);
    try {
      const done = await upload.mutateAsync(file);
      setMessage(`CRL ${done.crlNumber} accepted (${done.entries} entries, ${done.newlyRevoked.length} newly revoked).`);
      form.reset();
    } catch (err) {
      setError(err instanceof Error ? err.message : "Upload failed");
    }
  }
  const latest = state.data?.latest;
  return (
    <Card title={<StepTitle n={4}>Upload a CRL</StepTitle>} description="Sign it with your CA key (e.g. openssl ca -gencrl, then openssl crl -outform DER). Signet serves it as is.">
      <div className="space-y-3 text-sm" data-testid="crl-state">
        {latest ? (
          <p>
            <Badge tone="green">CRL {latest.crlNumber}</Badge> {latest.entries === 1 ? "1 entry" : `${latest.entries} entries`} · this update {when(latest.thisUpdate)} · next update {when(latest.nextUpdate)} ·{" "}
            <a className="font-medium text-brand-700 hover:underline dark:text-brand-300" href={`/crl/${caId}.crl`}>/crl/{caId}.crl</a>
          </p>
        ) : (
          <p><Badge tone="amber">none yet</Badge> No CRL uploaded: /crl/{caId}.crl answers 404 until you upload one.</p>
        )}
        {isAdmin ? (
          <form onSubmit={onSubmit} className="space-y-3" aria-label="Upload a CRL">
            {error ? <Alert>{error}</Alert> : null}
            {message ? <Alert tone="success">{message}</Alert> : null}
            <Field label="CRL file (DER)" htmlFor="crlFile" error={error} hint="CRL numbers must increase; a serial once revoked must stay listed.">
              <input id="crlFile" {...invalidProps("crlFile", error)} name="crlFile" type="file" accept=".crl,.der,application/pkix-crl" className="block text-sm" />
            </Field>
            <Button type="submit" disabled={upload.isPending}>{upload.isPending ? "Uploading…" : "Upload CRL"}</Button>
          </form>
        ) : null}
      </div>
    </Card>
  );
}

export function OcspResponderStep({ caId, isAdmin }: { caId: string; isAdmin: boolean }) {
  const state = useResponderState(caId);
  const csr = useResponderCsr(caId);
  const install = useInstallResponder(caId);
  const [csrDownload, setCsrDownload] = useState<string>();
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  async function getCsr() {
    setError(undefined);
    try {
      const { csrPem } = await csr.mutateAsync();
      setCsrDownload(URL.createObjectURL(new Blob([csrPem], { type: "application/pkcs10" })));
    } catch (err) {
      setError(err instanceof Error ? err.message : "Could not create the CSR");
    }
  }
  async function onInstall(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    setError(undefined);
    setMessage(undefined);
    try {
      const done = await install.mutateAsync(String(new FormData(form).get("responderPem")));
      setMessage(`Responder installed until ${done.installed ? when(done.installed.notAfter) : "—"}: Signet now answers OCSP for your CA.`);
      form.reset();
    } catch (err) {
      setError(err instanceof Error ? err.message : "Install failed");
    }
  }
  const installed = state.data?.installed;
  return (
    <Card title={<StepTitle n={5}>Set up the OCSP responder</StepTitle>} description="Signet holds the responder key; your CA certifies it (id-kp-OCSPSigning, ocsp-nocheck, at most 90 days).">
      <div className="space-y-3 text-sm" data-testid="responder-state">
        {installed?.active ? (
          <p><Badge tone="green">answering</Badge> Responder serial <span className="font-mono">{installed.serial}</span>, valid until {when(installed.notAfter)}.</p>
        ) : (
          <p><Badge tone="amber">not answering</Badge> OCSP answers &ldquo;unauthorized&rdquo; for your CA until a responder certificate is installed{installed ? " (the last one has expired)" : ""}.</p>
        )}
        {state.data?.pending ? <p className="text-slate-500">A responder key is waiting for its certificate.</p> : null}
        {isAdmin ? (
          <>
            {error ? <Alert>{error}</Alert> : null}
            {message ? <Alert tone="success">{message}</Alert> : null}
            <div className="flex flex-wrap items-center gap-3">
              <Button type="button" variant="secondary" onClick={getCsr} disabled={csr.isPending}>{csr.isPending ? "Preparing…" : "Get the responder CSR"}</Button>
              {csrDownload ? <a className="font-medium text-brand-700 hover:underline dark:text-brand-300" href={csrDownload} download="responder.csr">Download responder.csr</a> : null}
            </div>
            <Command>npx signet issue --responder --ca-key org.key --ca-cert org.pem --csr responder.csr --out responder.pem</Command>
            <form onSubmit={onInstall} className="space-y-3" aria-label="Install the OCSP responder certificate">
              <Field label="Responder certificate (PEM)" htmlFor="responderPem" error={error}>
                <textarea id="responderPem" {...invalidProps("responderPem", error)} name="responderPem" required rows={5} className={PEM_AREA} placeholder="-----BEGIN CERTIFICATE-----" />
              </Field>
              <Button type="submit" disabled={install.isPending}>{install.isPending ? "Installing…" : "Install responder certificate"}</Button>
            </form>
          </>
        ) : null}
      </div>
    </Card>
  );
}
