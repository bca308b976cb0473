"use client";

// The org page of an organization that keeps its own CA key: what it can do, in order — it issues
// plugin certificates itself (Signet cannot), registers them, publishes CRLs and certifies Signet's
// OCSP responder key. No hosted keys, no server-side signing.
import { useState, type FormEvent } from "react";
import { useRegisterCertificate } from "@/lib/client/external-ca-hooks";
import { invalidProps } from "@/lib/client/field-errors";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field } from "../ui/field";
import { CrlUploadStep, OcspResponderStep } from "./external-revocation-steps";

export const PEM_AREA = "block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-xs ring-1 ring-slate-300 ring-inset dark:bg-slate-900 dark:ring-slate-700";

export function Command({ children }: { children: string }) {
  return <pre className="overflow-x-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100" data-testid="command">{children}</pre>;
}

export function StepTitle({ n, children }: { n: number; children: string }) {
  return (
    <span className="flex items-center gap-2">
      <span className="inline-flex size-6 items-center justify-center rounded-full bg-brand-600 text-xs font-bold text-white">{n}</span>
      {children}
    </span>
  );
}

type Props = { slug: string; orgName: string; prefix: string; caId: string; publicUrl: string; isAdmin: boolean };

export function ExternalCaSteps({ slug, orgName, prefix, caId, publicUrl, isAdmin }: Props) {
  const example = `${prefix}example`;
  const quoted = orgName.includes("'") ? `"${orgName}"` : `'${orgName}'`;
  return (
    <section className="space-y-4" aria-label="Your organization keeps its CA key">
      <Alert tone="info">
        Your organization keeps its own CA key, so Signet never signs for it: you issue plugin certificates and CRLs offline with the
        <code className="mx-1 font-mono">signet</code> CLI, and register them here so that plugin hosts asking Signet (OCSP, CRL) get the right answer.
      </Alert>
      <Card title={<StepTitle n={1}>Download the CA certificate</StepTitle>} description="Keep it beside your CA key (org.key) as org.pem.">
        <div className="flex gap-4">
          <a className="text-sm font-medium text-brand-700 hover:underline dark:text-brand-300" href={`/ca/${caId}.pem`} download="org.pem">org.pem (PEM)</a>
          <a className="text-sm font-medium text-brand-700 hover:underline dark:text-brand-300" href={`/ca/${caId}.crt`}>DER</a>
        </div>
        <p className="mt-2 text-xs text-slate-500">CA id <span className="font-mono">{caId}</span></p>
      </Card>
      <Card title={<StepTitle n={2}>Issue a plugin certificate offline</StepTitle>} description={`On the machine that holds org.key. Plugin ids start with “${prefix}”.`}>
        <div className="space-y-2 text-sm">
          <p>A key and CSR for the plugin (or use a CSR you already have):</p>
          <Command>{`npx signet csr --org ${quoted} --plugin ${example} --out plugin`}</Command>
          <p>The certificate, with exactly Signet&apos;s profile (CRL and OCSP pointing here):</p>
          <Command>{`npx signet issue --ca-key org.key --ca-cert org.pem --csr plugin.csr --plugin ${example} --url ${publicUrl} --ca-id ${caId} --out plugin.pem`}</Command>
          <p className="text-slate-500">Sign archives with the plugin key offline too: <span className="font-mono">npx signet sign ARCHIVE --key plugin.key --chain chain.pem</span>.</p>
        </div>
      </Card>
      {isAdmin ? <RegisterCertificateStep slug={slug} /> : null}
      <CrlUploadStep caId={caId} isAdmin={isAdmin} />
      <OcspResponderStep caId={caId} isAdmin={isAdmin} />
    </section>
  );
}

function RegisterCertificateStep({ slug }: { slug: string }) {
  const register = useRegisterCertificate(slug);
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    setError(undefined);
    setMessage(undefined);
    try {
      const cert = await register.mutateAsync(String(new FormData(form).get("certificatePem")));
      setMessage(`Registered ${cert.subject} (serial ${cert.serial}): OCSP now answers good for it.`);
      form.reset();
    } catch (err) {
      setError(err instanceof Error ? err.message : "Registration failed");
    }
  }
  return (
    <Card title={<StepTitle n={3}>Register the certificate</StepTitle>} description="Paste plugin.pem. Signet checks it was issued by your CA with its profile, then OCSP knows it.">
      <form onSubmit={onSubmit} className="space-y-3" aria-label="Register a certificate">
        {error ? <Alert>{error}</Alert> : null}
        {message ? <Alert tone="success">{message}</Alert> : null}
        <Field label="Certificate (PEM)" htmlFor="certificatePem" error={error}>
          <textarea id="certificatePem" {...invalidProps("certificatePem", error)} name="certificatePem" required rows={5} className={PEM_AREA} placeholder="-----BEGIN CERTIFICATE-----" />
        </Field>
        <Button type="submit" disabled={register.isPending}>{register.isPending ? "Registering…" : "Register certificate"}</Button>
      </form>
    </Card>
  );
}
