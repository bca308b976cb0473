"use client";

// The organization's people: members with their roles, pending invitations, and (for admins) the
// invite form, role changes and removal. The server refuses leaving the organization without an admin.
import { useState, type FormEvent } from "react";
import { isoDay } from "@/lib/client/format";
import { useCancelInvitation, useChangeRole, useInvitations, useInvite, useMembers, useRemoveMember } from "@/lib/client/team-hooks";
import { formErrors } from "@/lib/client/field-errors";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, Select, TextInput } from "../ui/field";
import { LoadingRows } from "../ui/skeleton";
import { useToast } from "../ui/toast";

export function OrgMembers({ slug, canManage, selfEmail }: { slug: string; canManage: boolean; selfEmail: string }) {
  const members = useMembers(slug);
  const invitations = useInvitations(slug);
  const invite = useInvite(slug);
  const errors = formErrors(invite.error, { email: "Email address", role: "Role" }, "The invitation was not sent");
  const cancel = useCancelInvitation(slug);
  const changeRole = useChangeRole(slug);
  const remove = useRemoveMember(slug);
  const toast = useToast();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<"admin" | "member">("member");

  function submit(e: FormEvent) {
    e.preventDefault();
    invite.mutate(
      { email: email.trim(), role },
      {
        onSuccess: (i) => {
          toast(`Invitation mailed to ${i.email}`);
          setEmail("");
        },
      },
    );
  }
  const fail = (err: Error) => toast(err.message, "error");

  return (
    <Card title="Members" description="Members request plugin certificates and upload archives; admins also approve, revoke and manage the team.">
      <div className="space-y-5">
        {members.isLoading ? <LoadingRows rows={2} label="Loading members…" /> : null}
        {members.error ? <Alert>{members.error.message}</Alert> : null}
        {members.data?.length ? (
          <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Members">
            {members.data.map((m) => (
              <li key={m.userId} className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
                <span className="min-w-0">
                  <span className="font-medium">{m.name}</span> {m.name !== m.email ? <span className="text-slate-500">{m.email}</span> : null} <Badge tone={m.role === "admin" ? "blue" : "slate"}>{m.role}</Badge>
                  <span className="block text-xs text-slate-500">joined {isoDay(m.joinedAt)}</span>
                </span>
                {canManage ? (
                  <span className="flex gap-2">
                    <Button
                      variant="secondary"
                      disabled={changeRole.isPending}
                      onClick={() => changeRole.mutate({ userId: m.userId, role: m.role === "admin" ? "member" : "admin" }, { onSuccess: (r) => toast(`${r.email} is now ${r.role}`), onError: fail })}
                    >
                      {m.role === "admin" ? "Make member" : "Make admin"}
                    </Button>
                    <Button variant="danger" disabled={remove.isPending} onClick={() => remove.mutate(m.userId, { onSuccess: () => toast(`${m.email} removed`), onError: fail })}>
                      {m.email === selfEmail ? "Leave" : "Remove"}
                    </Button>
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
        {invitations.data?.length ? (
          <div>
            <h3 className="mb-1 text-sm font-semibold">Pending invitations</h3>
            <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Pending invitations">
              {invitations.data.map((i) => (
                <li key={i.id} className="flex flex-wrap items-center justify-between gap-3 py-2 text-sm">
                  <span>
                    {i.email} <Badge>{i.role}</Badge> {i.expired ? <Badge tone="red">expired</Badge> : <span className="text-xs text-slate-500">until {isoDay(i.expiresAt)}</span>}
                  </span>
                  {canManage ? (
                    <Button variant="ghost" onClick={() => cancel.mutate(i.id, { onSuccess: () => toast(`Invitation to ${i.email} withdrawn`), onError: fail })}>
                      Withdraw
                    </Button>
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {canManage ? (
          <form onSubmit={submit} aria-label="Invite a member" className="grid gap-3 sm:grid-cols-[1fr_10rem_auto] sm:items-end">
            <Field label="Email address" htmlFor="invite-email" error={errors.message("email")}>
              <TextInput id="invite-email" {...errors.control("email", "invite-email")} type="email" required maxLength={254} value={email} onChange={(e) => setEmail(e.target.value)} placeholder="colleague@example.com" />
            </Field>
            <Field label="Role" htmlFor="invite-role" error={errors.message("role")}>
              <Select id="invite-role" {...errors.control("role", "invite-role")} value={role} onChange={(e) => setRole(e.target.value as "admin" | "member")}>
                <option value="member">member</option>
                <option value="admin">admin</option>
              </Select>
            </Field>
            <Button type="submit" disabled={invite.isPending || !email.trim()}>{invite.isPending ? "Inviting…" : "Send invitation"}</Button>
          </form>
        ) : null}
        {errors.summary ? <Alert>{errors.summary}</Alert> : null}
      </div>
    </Card>
  );
}
