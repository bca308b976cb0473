"use client";

// The page an invitation link opens: who invites whom to what; a new person chooses a name and
// password, someone with an account signs in first (and is sent back here) and accepts.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/client/auth-client";
import { useAcceptInvitation, useInvitation } from "@/lib/client/team-hooks";
import { formErrors } from "@/lib/client/field-errors";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, TextInput } from "../ui/field";

export function InvitationAccept({ token, signedInAs }: { token: string; signedInAs: string | null }) {
  const router = useRouter();
  const invitation = useInvitation(token);
  const accept = useAcceptInvitation(token);
  const errors = formErrors(accept.error, { name: "Your name", password: "Choose a password" }, "The invitation was not accepted");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [signInError, setSignInError] = useState<string>();

  if (invitation.isLoading) return <p className="text-sm text-slate-500">Loading the invitation…</p>;
  if (invitation.error || !invitation.data) return <Alert>{invitation.error?.message ?? "This invitation link does not work"}</Alert>;
  const i = invitation.data;
  const next = `/invite/${token}`;

  const joining = i.orgName ?? "the store's operators";

  async function finish(destination: string, newAccount: boolean) {
    if (newAccount) {
      const { error } = await authClient.signIn.email({ email: i.email, password });
      if (error) {
        setSignInError(`You joined, but signing in failed: ${error.message ?? "try the sign-in page"}`);
        return;
      }
    }
    router.push(destination);
    router.refresh();
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    accept.mutate(signedInAs ? {} : { name: name.trim() || undefined, password }, { onSuccess: (r) => void finish(r.membership ? `/orgs/${r.membership.orgSlug}` : "/requests", r.user.newAccount) });
  }

  return (
    <Card title={`Join ${joining}`} description={`An invitation for ${i.email} to join as ${i.role}, valid until ${new Date(i.expiresAt).toLocaleString()}.`}>
      <form onSubmit={submit} aria-label="Accept the invitation" className="space-y-4">
        {signedInAs && signedInAs !== i.email ? <Alert>You are signed in as {signedInAs}; this invitation is for {i.email}. Sign out first.</Alert> : null}
        {!signedInAs && i.accountExists ? (
          <Alert tone="info">
            An account for {i.email} exists. <a className="font-medium underline" href={`/sign-in?next=${encodeURIComponent(next)}`}>Sign in</a> to accept.
          </Alert>
        ) : null}
        {!signedInAs && !i.accountExists ? (
          <>
            <Field label="Your name" htmlFor="invite-name" error={errors.message("name")}>
              <TextInput id="invite-name" {...errors.control("name", "invite-name")} maxLength={100} value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
            </Field>
            <Field label="Choose a password" htmlFor="invite-password" error={errors.message("password")} hint="At least 10 characters">
              <TextInput id="invite-password" {...errors.control("password", "invite-password")} type="password" required minLength={10} maxLength={256} value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
            </Field>
          </>
        ) : null}
        {errors.summary ? <Alert>{errors.summary}</Alert> : null}
        {signInError ? <Alert>{signInError}</Alert> : null}
        <Button type="submit" disabled={accept.isPending || (signedInAs !== null && signedInAs !== i.email) || (!signedInAs && i.accountExists)}>
          {accept.isPending ? "Joining…" : `Join ${joining}`}
        </Button>
      </form>
    </Card>
  );
}
