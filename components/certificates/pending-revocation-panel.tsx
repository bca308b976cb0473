"use client";

// An org CA revocation waiting for more operators (store policy orgCaRevocationApprovals): who
// proposed it and with what reason, who approved, what is missing; another operator approves the
// same revocation here, or withdraws it.
import { isoMinute } from "@/lib/client/format";
import { useWithdrawRevocation } from "@/lib/client/hooks";
import type { PendingRevocation } from "@/lib/client/types";
import { ApprovalsPanel } from "../approvals-panel";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card } from "../ui/card";

export function PendingRevocationPanel({ pending, mine, busy, error, onApprove }: {
  pending: PendingRevocation;
  /** The signed-in operator approved already: they wait for someone else. */
  mine: boolean;
  busy: boolean;
  error: Error | null;
  onApprove: (reason: string, invalidityDate: string | undefined) => void;
}) {
  const withdraw = useWithdrawRevocation();
  return (
    <Card title="Revocation pending" description={`Proposed by ${pending.requestedBy} on ${isoMinute(pending.createdAt)}. Nothing is revoked until enough operators approve.`}>
      <div className="space-y-4" data-testid="pending-revocation">
        {error ? <Alert>{error.message}</Alert> : null}
        {withdraw.error ? <Alert>{withdraw.error.message}</Alert> : null}
        <p className="text-sm">
          Reason: <strong>{pending.reason}</strong>
          {pending.invalidityDate ? <> · invalid since {isoMinute(pending.invalidityDate)}</> : null}
        </p>
        <ApprovalsPanel approvals={pending.approvals} lastDoes="revokes the CA" />
        <div className="flex flex-wrap gap-2">
          {mine ? null : (
            <Button variant="danger" disabled={busy} onClick={() => onApprove(pending.reason, pending.invalidityDate ?? undefined)}>
              {busy ? "Approving…" : pending.approvals.have + 1 >= pending.approvals.need ? "Approve and revoke" : "Approve revocation"}
            </Button>
          )}
          <Button variant="secondary" disabled={withdraw.isPending} onClick={() => withdraw.mutate(pending.id)}>
            {withdraw.isPending ? "Withdrawing…" : "Withdraw"}
          </Button>
        </div>
        {mine ? <p className="text-sm text-slate-600 dark:text-slate-300">You approved this revocation; another operator must approve it.</p> : null}
      </div>
    </Card>
  );
}
