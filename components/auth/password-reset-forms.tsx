"use client";

// "Forgot password?": ask for a link by address (the answer never says whether an account has it);
// the mailed link opens the reset form, which sets a new password once.
import { useState, type FormEvent } from "react";
import { useRequestPasswordReset, useResetPassword } from "@/lib/client/team-hooks";
import { formErrors, invalidProps } from "@/lib/client/field-errors";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, TextInput } from "../ui/field";

export function ForgotPasswordForm() {
  const ask = useRequestPasswordReset();
  const [email, setEmail] = useState("");
  const askErrors = formErrors(ask.error, { email: "Email" }, "No link was sent");
  function submit(e: FormEvent) {
    e.preventDefault();
    ask.mutate({ email: email.trim() });
  }
  return (
    <Card title="Forgot your password?" description="Signet mails a link to choose a new one. It works once, for one hour.">
      <form onSubmit={submit} aria-label="Ask for a password reset link" className="space-y-4">
        {ask.data ? <Alert tone="success">{ask.data.message}</Alert> : null}
        {askErrors.summary ? <Alert>{askErrors.summary}</Alert> : null}
        <Field label="Email" htmlFor="reset-email" error={askErrors.message("email")}>
          <TextInput id="reset-email" {...askErrors.control("email", "reset-email")} type="email" required maxLength={254} autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Button type="submit" disabled={ask.isPending} className="w-full">{ask.isPending ? "Sending…" : "Mail me a link"}</Button>
        <p className="text-center text-sm"><a className="underline" href="/sign-in">Back to sign in</a></p>
      </form>
    </Card>
  );
}

export function ResetPasswordForm({ token }: { token: string }) {
  const reset = useResetPassword(token);
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const mismatch = again.length > 0 && password !== again;
  const resetErrors = formErrors(reset.error, { password: "New password" }, "The password was not changed");
  function submit(e: FormEvent) {
    e.preventDefault();
    if (password !== again) return;
    reset.mutate({ password });
  }
  if (reset.data) {
    return (
      <Card title="Password changed">
        <Alert tone="success">The new password for {reset.data.email} is set; every earlier session of the account has ended.</Alert>
        <p className="mt-4 text-center text-sm"><a className="font-medium underline" href="/sign-in">Sign in</a></p>
      </Card>
    );
  }
  return (
    <Card title="Choose a new password">
      <form onSubmit={submit} aria-label="Choose a new password" className="space-y-4">
        {resetErrors.summary ? <Alert>{resetErrors.summary}</Alert> : null}
        <Field label="New password" htmlFor="new-password" error={resetErrors.message("password")} hint="At least 10 characters">
          <TextInput id="new-password" {...resetErrors.control("password", "new-password")} type="password" required minLength={10} maxLength={256} autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <Field label="The same password again" htmlFor="new-password-again" error={mismatch ? "The two passwords differ" : undefined}>
          <TextInput id="new-password-again" {...invalidProps("new-password-again", mismatch ? "The two passwords differ" : undefined)} type="password" required minLength={10} maxLength={256} autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />
        </Field>
        <Button type="submit" disabled={reset.isPending || mismatch} className="w-full">{reset.isPending ? "Saving…" : "Set the new password"}</Button>
      </form>
    </Card>
  );
}
