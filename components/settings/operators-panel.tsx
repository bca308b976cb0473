"use client";

// Settings → Operators: who operates the store, invitations still waiting, and disabling an
// account (its sessions and API tokens end at once; the last operator cannot be disabled).
import { useState, type FormEvent } from "react";
import { useDisableUser, useInviteOperator, useOperatorInvitations, useOperators } from "@/lib/client/team-hooks";
import { formErrors } from "@/lib/client/field-errors";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, TextInput } from "../ui/field";
import { useToast } from "../ui/toast";

export function OperatorsPanel({ selfEmail }: { selfEmail: string }) {
  const operators = useOperators();
  const invitations = useOperatorInvitations();
  const invite = useInviteOperator();
  const errors = formErrors(invite.error, { email: "Email", role: "Role" }, "The invitation was not sent");
  const disable = useDisableUser();
  const toast = useToast();
  const [email, setEmail] = useState("");
  const [disabling, setDisabling] = useState<string>();
  const [reason, setReason] = useState("");

  function submit(e: FormEvent) {
    e.preventDefault();
    invite.mutate({ email: email.trim() }, { onSuccess: (r) => { setEmail(""); toast(`Invitation mailed to ${r.email}`); } });
  }

  return (
    <Card title="Operators" description="Operators approve organization CAs, revoke and run the store. An invitation is a single-use link mailed to the address, valid 7 days.">
      <div className="space-y-5">
        {operators.error ? <Alert>{operators.error.message}</Alert> : null}
        {disable.error ? <Alert>{disable.error.message}</Alert> : null}
        <ul aria-label="Operators" className="divide-y divide-slate-100 dark:divide-slate-800">
          {operators.data?.map((o) => (
            <li key={o.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
              <span>
                {o.email}
                {o.name && o.name !== o.email ? <span className="text-slate-500"> · {o.name}</span> : null}
                {o.email === selfEmail ? <span className="text-slate-500"> (you)</span> : null}
              </span>
              {o.disabled ? (
                <Badge tone="red">disabled</Badge>
              ) : disabling === o.id ? (
                <span className="flex items-center gap-2">
                  <label htmlFor={`disable-reason-${o.id}`} className="sr-only">Reason</label>
                  <TextInput id={`disable-reason-${o.id}`} placeholder="Reason (audited)" value={reason} onChange={(e) => setReason(e.target.value)} />
                  <Button
                    variant="danger"
                    disabled={disable.isPending || reason.trim().length < 3}
                    onClick={() => disable.mutate({ id: o.id, reason: reason.trim() }, { onSuccess: () => { setDisabling(undefined); setReason(""); toast(`${o.email} is disabled`); } })}
                  >
                    Disable {o.email}
                  </Button>
                  <Button variant="secondary" onClick={() => setDisabling(undefined)}>Cancel</Button>
                </span>
              ) : (
                <Button variant="secondary" onClick={() => setDisabling(o.id)}>Disable…</Button>
              )}
            </li>
          ))}
        </ul>
        {invitations.data?.length ? (
          <div>
            <h3 className="mb-1 text-sm font-semibold">Invitations waiting</h3>
            <ul aria-label="Operator invitations" className="text-sm">
              {invitations.data.map((i) => (
                <li key={i.id}>
                  {i.email} · {i.expired ? "expired" : `until ${new Date(i.expiresAt).toLocaleString()}`}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <form onSubmit={submit} aria-label="Invite an operator" className="flex flex-wrap items-end gap-2">
          <Field label="Invite an operator (email)" htmlFor="operator-invite-email" error={errors.message("email")}>
            <TextInput id="operator-invite-email" {...errors.control("email", "operator-invite-email")} type="email" required maxLength={254} value={email} onChange={(e) => setEmail(e.target.value)} />
          </Field>
          <Button type="submit" disabled={invite.isPending}>{invite.isPending ? "Inviting…" : "Invite"}</Button>
        </form>
        {errors.summary ? <Alert>{errors.summary}</Alert> : null}
      </div>
    </Card>
  );
}
