"use client";

// Suspending an organization (operators): the impact first, in counts; then a reason and a
// confirmation that sends those counts back, so a change since they were shown stops the action.
import { useState } from "react";
import { useSuspendOrg, useSuspensionImpact } from "@/lib/client/lifecycle-hooks";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, TextInput } from "../ui/field";

export function SuspendPanel({ slug, name }: { slug: string; name: string }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [confirm, setConfirm] = useState("");
  const impact = useSuspensionImpact(slug, open);
  const suspend = useSuspendOrg(slug);
  const i = impact.data;
  return (
    <Card title="Suspend the organization" description="Revokes everything it holds, in one audited action. It cannot be undone.">
      {open ? (
        <div className="space-y-4" data-testid="suspend-panel">
          {suspend.error ? <Alert>{suspend.error.message}</Alert> : null}
          {impact.error ? <Alert>{impact.error.message}</Alert> : null}
          {impact.isLoading ? <p className="text-sm text-slate-500">Counting what this revokes…</p> : null}
          {i ? (
            <div role="status" className="rounded-md bg-amber-50 px-3.5 py-2.5 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset dark:bg-amber-950 dark:text-amber-100 dark:ring-amber-900">
              <p className="font-semibold">Suspending {name} revokes:</p>
              <ul className="mt-1 list-disc pl-5" aria-label="Impact">
                <li>{i.caCertificates} organization CA certificate(s)</li>
                <li>{i.pluginCertificates} plugin certificate(s)</li>
                {i.pluginCertificatesBelowExternalCa ? <li>{i.pluginCertificatesBelowExternalCa} plugin certificate(s) it issued itself (invalid once its CA is revoked)</li> : null}
                <li>{i.artifacts} signed artifact(s)</li>
                <li>{i.tokens} API token(s)</li>
                <li>{i.pendingRequests} pending request(s), rejected</li>
              </ul>
              <p className="mt-1">The CRLs and OCSP answers say revoked within seconds. The organization can no longer request certificates or sign.</p>
            </div>
          ) : null}
          <Field label="Reason (recorded in the audit log; the organization sees it)" htmlFor="suspend-reason">
            <TextInput id="suspend-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <Field label={`Type the organization's slug (${slug}) to confirm`} htmlFor="suspend-confirm">
            <TextInput id="suspend-confirm" autoComplete="off" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
          </Field>
          <div className="flex flex-wrap gap-2">
            <Button variant="danger" disabled={!i || suspend.isPending || reason.trim().length < 3 || confirm.trim() !== slug} onClick={() => i && suspend.mutate({ reason: reason.trim(), impact: i }, { onError: () => void impact.refetch() })}>
              {suspend.isPending ? "Suspending…" : "Suspend and revoke everything"}
            </Button>
            <Button variant="secondary" onClick={() => setOpen(false)}>Cancel</Button>
          </div>
        </div>
      ) : (
        <Button variant="danger" onClick={() => setOpen(true)}>Suspend…</Button>
      )}
    </Card>
  );
}
