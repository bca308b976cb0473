"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/client/auth-client";
import { describedBy } from "@/lib/client/field-errors";
import { Alert } from "./ui/alert";
import { Button } from "./ui/button";
import { Card } from "./ui/card";
import { Field, TextInput } from "./ui/field";

export function SignInForm() {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // After a correct password for an account with TOTP: the code step (the app's code or a recovery code).
  const [secondStep, setSecondStep] = useState<"totp" | "recovery">();

  function done() {
    const next = params.get("next");
    router.push(next && next.startsWith("/") && !next.startsWith("//") ? next : "/dashboard");
    router.refresh();
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(undefined);
    const { data, error } = await authClient.signIn.email({ email: String(form.get("email")), password: String(form.get("password")) });
    setBusy(false);
    if (error) {
      setError(error.status === 429 ? "Too many attempts. Wait a minute and try again." : "Wrong email or password.");
      return;
    }
    if (data && "twoFactorRedirect" in data && data.twoFactorRedirect) return setSecondStep("totp");
    done();
  }

  async function onCode(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const code = String(new FormData(e.currentTarget).get("code")).trim();
    setBusy(true);
    setError(undefined);
    const { error } = secondStep === "recovery" ? await authClient.twoFactor.verifyBackupCode({ code }) : await authClient.twoFactor.verifyTotp({ code: code.replace(/\s+/g, "") });
    setBusy(false);
    if (error) {
      // The pending sign-in lasts ten minutes; after that only the password step starts a new one.
      if (/cookie/i.test(error.message ?? "")) {
        setSecondStep(undefined);
        return setError("The sign-in expired. Enter your password again.");
      }
      return setError(error.status === 429 ? "Too many attempts. Wait a minute and try again." : secondStep === "recovery" ? "That recovery code is not valid or was used already." : "That code is not right.");
    }
    done();
  }

  async function withPasskey() {
    setBusy(true);
    setError(undefined);
    const res = await authClient.signIn.passkey();
    setBusy(false);
    if (res?.error) return setError("The passkey sign-in did not complete.");
    done();
  }

  if (secondStep) {
    return (
      <Card>
        <form onSubmit={onCode} className="space-y-5" aria-label="Second factor">
          {error ? <Alert id="sign-in-error">{error}</Alert> : null}
          {secondStep === "totp" ? (
            <Field label="Code from your authenticator app" htmlFor="code">
              <TextInput key="totp" id="code" {...describedBy("sign-in-error", error)} name="code" inputMode="numeric" autoComplete="one-time-code" required autoFocus />
            </Field>
          ) : (
            <Field label="Recovery code" htmlFor="code" hint="Each recovery code works once.">
              <TextInput key="recovery" id="code" {...describedBy("sign-in-error", error)} name="code" autoComplete="off" required autoFocus />
            </Field>
          )}
          <Button type="submit" disabled={busy} className="w-full">{busy ? "Checking…" : "Verify"}</Button>
          <button type="button" className="text-sm text-brand-700 underline dark:text-brand-300" onClick={() => { setError(undefined); setSecondStep(secondStep === "totp" ? "recovery" : "totp"); }}>
            {secondStep === "totp" ? "Use a recovery code instead" : "Use the authenticator app instead"}
          </button>
        </form>
      </Card>
    );
  }

  return (
    <Card>
      <form onSubmit={onSubmit} className="space-y-5" aria-label="Sign in">
        {error ? <Alert>{error}</Alert> : null}
        <Field label="Email" htmlFor="email">
          <TextInput id="email" name="email" type="email" required autoComplete="email webauthn" />
        </Field>
        <Field label="Password" htmlFor="password">
          <TextInput id="password" name="password" type="password" required autoComplete="current-password" />
        </Field>
        <Button type="submit" disabled={busy} className="w-full">
          {busy ? "Signing in…" : "Sign in"}
        </Button>
        <p className="text-center text-sm">
          <a className="font-medium text-brand-600 underline dark:text-brand-300" href="/forgot-password">Forgot password?</a>
        </p>
      </form>
      <div className="mt-4 border-t border-slate-200 pt-4 dark:border-slate-800">
        {/* Not labelled "Sign in …": the password form's button keeps that name to itself. */}
        <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">Or sign in with a passkey instead of a password and code.</p>
        <Button type="button" variant="secondary" className="w-full" disabled={busy} onClick={withPasskey}>Use a passkey</Button>
      </div>
    </Card>
  );
}
