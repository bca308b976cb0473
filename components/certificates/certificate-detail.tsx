"use client";

import { useState } from "react";
import { useCertificate, useRevokeCertificate } from "@/lib/client/hooks";
import { Alert } from "../ui/alert";
import { Badge, statusTone } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, Select, TextInput } from "../ui/field";

const REASONS = [
  ["keyCompromise", "Key compromise"],
  ["superseded", "Superseded"],
  ["cessationOfOperation", "Cessation of operation"],
  ["affiliationChanged", "Affiliation changed"],
  ["privilegeWithdrawn", "Privilege withdrawn"],
  ["unspecified", "Unspecified"],
] as const;

export function CertificateDetailView({ serial, isOperator, adminOf }: { serial: string; isOperator: boolean; adminOf: string[] }) {
  const { data: c, isLoading, error } = useCertificate(serial);
  const revoke = useRevokeCertificate();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<string>("keyCompromise");
  const [invalidity, setInvalidity] = useState("");
  const [affects, setAffects] = useState<{ certificatesBelow: number; artifacts: number }>();

  if (isLoading) return <p className="text-sm text-slate-500">Loading…</p>;
  if (error || !c) return <Alert>{error?.message ?? "Certificate not found"}</Alert>;
  const canRevoke = c.status === "issued" && c.kind !== "root-ca" && (isOperator || (c.kind === "plugin" && c.orgSlug !== null && adminOf.includes(c.orgSlug)));

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold break-all">{c.subject}</h1>
        <Badge tone={statusTone(c.status)}>{c.status}</Badge>
      </div>
      {affects ? <Alert tone="success">Revoked. Affected: {affects.certificatesBelow} certificate(s) below it and {affects.artifacts} signed artifact(s). The CRL and OCSP answers are being updated.</Alert> : null}
      <Card title="Details">
        <dl className="grid gap-3 text-sm sm:grid-cols-2">
          <div><dt className="text-xs text-slate-500">Kind</dt><dd>{c.kind}</dd></div>
          <div><dt className="text-xs text-slate-500">Serial</dt><dd className="font-mono text-xs break-all">{c.serial}</dd></div>
          <div><dt className="text-xs text-slate-500">Valid from</dt><dd>{new Date(c.notBefore).toUTCString()}</dd></div>
          <div><dt className="text-xs text-slate-500">Valid until</dt><dd>{new Date(c.notAfter).toUTCString()}</dd></div>
          <div><dt className="text-xs text-slate-500">Key</dt><dd>{c.keyMode === "hosted" ? "Held by Signet" : "Held by the organization"}</dd></div>
          <div><dt className="text-xs text-slate-500">SHA-256 fingerprint</dt><dd className="font-mono text-xs break-all">{c.fingerprintSha256}</dd></div>
          {c.revocation ? (
            <div className="sm:col-span-2"><dt className="text-xs text-slate-500">Revocation</dt><dd>{c.revocation.reason} at {new Date(c.revocation.revokedAt).toUTCString()}{c.revocation.invalidityDate ? ` (invalid since ${new Date(c.revocation.invalidityDate).toUTCString()})` : ""}</dd></div>
          ) : null}
        </dl>
        <div className="mt-4 flex flex-wrap gap-4 text-sm">
          <a className="font-medium text-brand-600 hover:underline" href={`/api/v1/certificates/${c.serial}?format=pem`}>Download PEM</a>
          <a className="font-medium text-brand-600 hover:underline" href={`/api/v1/certificates/${c.serial}?format=der`}>Download DER</a>
          <a className="font-medium text-brand-600 hover:underline" href={`/api/v1/certificates/${c.serial}?format=chain`}>Download chain</a>
        </div>
      </Card>
      <Card title="PEM">
        <pre className="overflow-x-auto rounded-md bg-slate-100 p-3 text-xs dark:bg-slate-800">{c.pem}</pre>
      </Card>
      {canRevoke ? (
        <Card title="Revoke" description="Relying parties see the revocation through the CRL and OCSP within minutes.">
          {revoke.error ? <Alert>{revoke.error.message}</Alert> : null}
          {open ? (
            <div className="space-y-3">
              <div className="grid gap-3 sm:grid-cols-2">
                <Field label="Reason" htmlFor="reason">
                  <Select id="reason" value={reason} onChange={(e) => setReason(e.target.value)}>
                    {REASONS.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
                  </Select>
                </Field>
                <Field label="Invalid since (optional)" htmlFor="invalidity" hint="When the key was compromised, if known.">
                  <TextInput id="invalidity" type="datetime-local" value={invalidity} onChange={(e) => setInvalidity(e.target.value)} />
                </Field>
              </div>
              <div className="flex gap-2">
                <Button
                  variant="danger"
                  disabled={revoke.isPending}
                  onClick={() =>
                    revoke.mutate(
                      { serial: c.serial, reason, invalidityDate: invalidity ? new Date(invalidity).toISOString() : undefined },
                      { onSuccess: (r) => { setAffects(r.affects); setOpen(false); } },
                    )
                  }
                >
                  Revoke certificate
                </Button>
                <Button variant="secondary" onClick={() => setOpen(false)}>Cancel</Button>
              </div>
            </div>
          ) : (
            <Button variant="danger" onClick={() => setOpen(true)}>Revoke…</Button>
          )}
        </Card>
      ) : null}
    </div>
  );
}
