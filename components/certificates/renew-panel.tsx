"use client";

// Renewal: a new certificate with the same subject (and plugin id), on the same key by default.
// A new key: Signet generates one (hosted keys), or the requester sends a CSR (keys they hold). For
// an organization CA a new key is a rollover: the old CA keeps answering for what it issued.
import Link from "next/link";
import { useState } from "react";
import { useRenewCertificate, type RenewResult } from "@/lib/client/lifecycle-hooks";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field } from "../ui/field";

const LINK = "font-medium text-brand-700 hover:underline dark:text-brand-300";

export function RenewPanel({ serial, kind, keyMode, canDecide }: { serial: string; kind: "plugin" | "org-ca"; keyMode: string; canDecide: boolean }) {
  const renew = useRenewCertificate();
  const [mode, setMode] = useState<"same" | "new">("same");
  const [csrPem, setCsrPem] = useState("");
  const [result, setResult] = useState<RenewResult>();
  const hosted = keyMode === "hosted";

  const submit = () =>
    renew.mutate({ serial, ...(mode === "new" ? (hosted ? { rekey: true } : { csrPem }) : {}) }, { onSuccess: setResult });

  const newKeyWords = kind === "org-ca" ? "Roll over to a new key (a new CA under the same name; the current one stays valid for what it issued)" : "A new key";
  return (
    <Card title="Renew" description={canDecide ? "The new certificate is issued at once, with the same subject." : "This creates a renewal request; whoever approves requests of this kind issues it."}>
      <div className="space-y-4" data-testid="renew-panel">
        {result?.certificate ? (
          <Alert tone="success">
            Renewed: <Link className={LINK} href={`/certificates/${result.certificate.serial}`}>certificate {result.certificate.serial}</Link>. The previous one stays valid until it expires or is revoked.
          </Alert>
        ) : null}
        {result?.pending ? <Alert tone="info">Renewal requested: it waits for approval{result.approvals ? ` (${result.approvals.have} of ${result.approvals.need})` : ""}.</Alert> : null}
        {renew.error ? <Alert>{renew.error.message}</Alert> : null}
        <fieldset className="space-y-2 text-sm">
          <legend className="sr-only">Key</legend>
          <label className="flex items-start gap-2">
            <input type="radio" name="renew-key" className="mt-0.5 accent-brand-600" checked={mode === "same"} onChange={() => setMode("same")} />
            <span>The same key</span>
          </label>
          <label className="flex items-start gap-2">
            <input type="radio" name="renew-key" className="mt-0.5 accent-brand-600" checked={mode === "new"} onChange={() => setMode("new")} />
            <span>{hosted ? `${newKeyWords}, generated and held by Signet` : `${newKeyWords} you hold: paste its CSR`}</span>
          </label>
        </fieldset>
        {mode === "new" && !hosted ? (
          <Field label="CSR (PEM)" htmlFor="renew-csr" hint="Only its key is used: the subject stays the renewed certificate's.">
            <textarea id="renew-csr" rows={6} className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs dark:border-slate-700 dark:bg-slate-900" value={csrPem} onChange={(e) => setCsrPem(e.target.value)} />
          </Field>
        ) : null}
        <Button disabled={renew.isPending || (mode === "new" && !hosted && !csrPem.trim())} onClick={submit}>
          {renew.isPending ? "Renewing…" : canDecide ? "Renew certificate" : "Request renewal"}
        </Button>
      </div>
    </Card>
  );
}
