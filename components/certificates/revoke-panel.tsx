"use client";

// Revocation with an RFC 5280 reason. Before anything happens the panel shows what the revocation
// takes down with it (PRODUCT.md: "Revoking shows what it affects").
import { useState } from "react";
import { useRevocationImpact } from "@/lib/client/hooks";
import { Alert } from "../ui/alert";
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

/** The mutation lives in the parent: revoking flips the page to "revoked" at once (optimistic), which
 * unmounts this panel, and the outcome still has to be reported. */
export function RevokePanel({ serial, kind, pending, error, onRevoke }: {
  serial: string;
  kind: string;
  pending: boolean;
  error: Error | null;
  onRevoke: (reason: string, invalidityDate: string | undefined) => void;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<string>("keyCompromise");
  const [invalidity, setInvalidity] = useState("");
  const impact = useRevocationImpact(serial, open);

  const submit = () => onRevoke(reason, invalidity ? new Date(invalidity).toISOString() : undefined);

  return (
    <Card title="Revoke" description="Relying parties see the revocation through the CRL and OCSP within minutes.">
      {error ? <div className="mb-3"><Alert>{error.message}</Alert></div> : null}
      {open ? (
        <div className="space-y-4">
          <div role="status" className="rounded-md bg-amber-50 px-3.5 py-2.5 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset dark:bg-amber-950 dark:text-amber-100 dark:ring-amber-900">
            {impact.isLoading ? "Checking what this affects…" : impact.data ? (
              <>
                This cannot be undone.{" "}
                {kind === "org-ca" ? `${impact.data.certificatesBelow} valid plugin certificate(s) below this CA stop being trusted, and ` : ""}
                {impact.data.artifacts} signed artifact(s) {kind === "plugin" ? "made with this certificate" : "below it"} will fail verification.
              </>
            ) : (
              "This cannot be undone."
            )}
          </div>
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
          <div className="flex flex-wrap gap-2">
            <Button variant="danger" disabled={pending} onClick={submit}>{pending ? "Revoking…" : "Revoke certificate"}</Button>
            <Button variant="secondary" onClick={() => setOpen(false)}>Cancel</Button>
          </div>
        </div>
      ) : (
        <Button variant="danger" onClick={() => setOpen(true)}>Revoke…</Button>
      )}
    </Card>
  );
}
