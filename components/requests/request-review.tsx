"use client";

import Link from "next/link";
import { useState } from "react";
import { useDecideRequest, useRequest } from "@/lib/client/hooks";
import { useWithdrawRequest } from "@/lib/client/lifecycle-hooks";
import { Alert } from "../ui/alert";
import { Badge, statusTone } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, TextInput } from "../ui/field";
import { useResendContactVerification } from "@/lib/client/team-hooks";
import type { RequestDetail } from "@/lib/client/types";
import { ApprovalsPanel } from "../approvals-panel";
import { CsrDifferences } from "./csr-differences";

/**
 * An org CA is issued only to an organization whose contact address followed its link. Without a
 * mail server the link is in the outbox operators read: the review links that message and can send
 * a fresh one (the first may have expired).
 */
function ContactPanel({ slug, contact, operator }: { slug: string; contact: NonNullable<RequestDetail["contact"]>; operator: boolean }) {
  const resend = useResendContactVerification(slug);
  const email = contact.email ?? "(no address)";
  return (
    <section aria-label="Contact address" className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm dark:border-amber-700 dark:bg-amber-950/40">
      <h3 className="font-semibold">Contact not verified</h3>
      <p>
        Nobody has yet followed the link mailed to <strong className="wrap-anywhere">{email}</strong>. This organization CA cannot be approved until someone does.
        {contact.mail === "outbox" ? " No mail server is configured, so the message is in the mail outbox: forward its link to the contact." : null}
      </p>
      {resend.isSuccess ? <Alert tone="success">A new link was sent to {email}{contact.mail === "outbox" ? " (in the mail outbox)" : ""}; it is valid for {resend.data.expiresInHours} hours.</Alert> : null}
      {resend.error ? <Alert>{resend.error.message}</Alert> : null}
      <div className="flex flex-wrap items-center gap-3">
        {contact.mail === "outbox" && operator && contact.email ? (
          <Link className="font-medium text-brand-700 underline dark:text-brand-300" href={`/settings?outbox=${encodeURIComponent(contact.email)}#mail-outbox`}>
            Read the verification message in the mail outbox
          </Link>
        ) : null}
        {operator && contact.email ? (
          <Button variant="secondary" disabled={resend.isPending} onClick={() => resend.mutate()}>
            {resend.isPending ? "Sending…" : "Resend the verification link"}
          </Button>
        ) : null}
      </div>
    </section>
  );
}

export function RequestReview({ id, onDecided }: { id: string; onDecided: () => void }) {
  const { data: r, isLoading, error } = useRequest(id);
  const decide = useDecideRequest();
  const withdraw = useWithdrawRequest();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState("");
  const [done, setDone] = useState<string>();

  if (isLoading) return <Card><p className="text-sm text-slate-500">Loading…</p></Card>;
  if (error || !r) return <Card><Alert>{error?.message ?? "Not found"}</Alert></Card>;

  const act = (decision: "approve" | "reject") =>
    decide.mutate(
      { id, decision, reason },
      {
        onSuccess: (res) =>
          setDone(
            decision === "reject"
              ? "Rejected: the organization sees your reason."
              : res.certificate
                ? "Approved: the certificate was issued."
                : `Your approval is recorded (${res.approvals?.have} of ${res.approvals?.need}): another operator must approve before the certificate is issued.`,
          ),
      },
    );

  return (
    <Card title={r.kind === "org-ca" ? `Organization CA for ${r.org.name}` : `Plugin certificate for ${r.pluginId}`} description={`Requested ${new Date(r.createdAt).toLocaleString()} by ${r.orgSlug}`} actions={<Badge tone={statusTone(r.status)}>{r.status}</Badge>}>
      <div className="space-y-5" data-testid="request-review">
        {done ? <Alert tone="success">{done}</Alert> : null}
        {decide.error ? <Alert>{decide.error.message}</Alert> : null}
        {r.status === "pending" && r.contact && !r.contact.verified ? <ContactPanel slug={r.org.slug} contact={r.contact} operator={r.decision?.allowed === true} /> : null}
        {withdraw.error ? <Alert>{withdraw.error.message}</Alert> : null}
        {r.renews ? (
          <p className="text-sm">
            Renewal of <Link className="font-medium text-brand-700 hover:underline dark:text-brand-300" href={`/certificates/${r.renews}`}>certificate {r.renews}</Link>, {r.rekey ? "with a new key" : "on the same key"}.
          </p>
        ) : null}
        {r.approvals ? <ApprovalsPanel approvals={r.approvals} lastDoes="issues the certificate" /> : null}
        <div className="grid gap-4 md:grid-cols-2">
          <section aria-label="What was asked" className="rounded-lg bg-slate-50 p-4 text-sm dark:bg-slate-800/50">
            <h3 className="mb-2 font-semibold">What was asked</h3>
            {r.csr ? (
              <dl className="space-y-1.5">
                <div><dt className="text-xs text-slate-600 dark:text-slate-400">CSR subject</dt><dd className="wrap-anywhere">{r.csr.subject || "(empty)"}</dd></div>
                <div><dt className="text-xs text-slate-600 dark:text-slate-400">Key</dt><dd>{r.csr.keyAlgorithm} ({r.csr.keySize} bits)</dd></div>
                <div><dt className="text-xs text-slate-600 dark:text-slate-400">SHA-256 fingerprint of the key</dt><dd className="font-mono text-xs break-all">{r.csr.fingerprintSha256}</dd></div>
                <div>
                  <dt className="text-xs text-slate-600 dark:text-slate-400">Requested extensions</dt>
                  <dd>{r.csr.requestedExtensions.length ? <ul className="list-disc pl-4">{r.csr.requestedExtensions.map((e) => <li key={e.oid}>{e.name}{e.critical ? " (critical)" : ""}: {e.summary}</li>)}</ul> : "none"}</dd>
                </div>
              </dl>
            ) : (
              <p>No CSR: Signet generates and holds a {r.keyAlgorithm} key.</p>
            )}
            <p className="mt-3 text-xs text-slate-600 dark:text-slate-400">Organization: {r.org.name} · prefix <code>{r.org.pluginIdPrefix}</code> · {r.org.status}</p>
          </section>
          <section aria-label="What will be issued" className="rounded-lg bg-brand-50 p-4 text-sm dark:bg-brand-900/40">
            <h3 className="mb-2 font-semibold">What will be issued</h3>
            <dl className="space-y-1.5">
              <div><dt className="text-xs text-slate-600 dark:text-slate-400">Subject</dt><dd className="wrap-anywhere">{r.willIssue.subject}</dd></div>
              <div><dt className="text-xs text-slate-600 dark:text-slate-400">Key</dt><dd>{r.willIssue.key}</dd></div>
              <div><dt className="text-xs text-slate-600 dark:text-slate-400">Validity</dt><dd>{r.willIssue.validityDays} days</dd></div>
              <div><dt className="text-xs text-slate-600 dark:text-slate-400">Extensions</dt><dd><ul className="list-disc pl-4">{r.willIssue.extensions.map((e) => <li key={e} className="wrap-anywhere">{e}</li>)}</ul></dd></div>
            </dl>
          </section>
        </div>
        {r.csr ? <CsrDifferences willIssue={r.willIssue} /> : null}
        {r.status === "pending" && !done && r.decision?.allowed === false ? <Alert tone="info">Waiting for a decision. {r.decision.reason}.</Alert> : null}
        {r.status === "pending" && !done && r.decision?.allowed ? (
          rejecting ? (
            <div className="space-y-3">
              <Field label="Reason (the organization sees it)" htmlFor="reject-reason">
                <TextInput id="reject-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
              </Field>
              <div className="flex gap-2">
                <Button variant="danger" disabled={decide.isPending || reason.trim().length < 3} onClick={() => act("reject")}>Reject request</Button>
                <Button variant="secondary" onClick={() => setRejecting(false)}>Cancel</Button>
              </div>
            </div>
          ) : (
            <div className="flex gap-2">
              <Button disabled={decide.isPending || (r.contact !== undefined && !r.contact.verified)} onClick={() => act("approve")}>{decide.isPending ? "Approving…" : r.approvals && r.approvals.have + 1 < r.approvals.need ? "Approve" : "Approve and issue"}</Button>
              <Button variant="secondary" onClick={() => setRejecting(true)}>Reject…</Button>
            </div>
          )
        ) : null}
        {r.status === "pending" && !done && r.withdrawable ? (
          <div>
            <Button variant="secondary" disabled={withdraw.isPending} onClick={() => withdraw.mutate(id, { onSuccess: () => setDone("Withdrawn: nothing will be issued from this request.") })}>
              {withdraw.isPending ? "Withdrawing…" : "Withdraw request"}
            </Button>
          </div>
        ) : null}
        {r.status === "withdrawn" && !done ? <Alert tone="info">Withdrawn by the requester: nothing was issued.</Alert> : null}
        {r.rejectionReason ? <Alert>Rejected: {r.rejectionReason}</Alert> : null}
        {r.certificateSerial ? (
          <Link className="inline-block text-sm font-medium text-brand-700 hover:underline dark:text-brand-300" href={`/certificates/${r.certificateSerial}`}>
            View the issued certificate ({r.certificateSerial})
          </Link>
        ) : null}
        {done ? <Button variant="ghost" onClick={onDecided}>Back to the queue</Button> : null}
      </div>
    </Card>
  );
}
