"use client";

// Settings → Security: the signed-in person's second factors (TOTP with recovery codes, passkeys).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { renderSVG } from "uqr";
import { apiFetch } from "@/lib/client/api";
import { authClient } from "@/lib/client/auth-client";
import type { SecondFactorsJson } from "@/lib/server/account/second-factors";
import { describedBy } from "@/lib/client/field-errors";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, TextInput } from "../ui/field";
import { LoadingRows } from "../ui/skeleton";
import { useToast } from "../ui/toast";

const KEY = ["account", "security"] as const;

function useSecondFactors() {
  return useQuery({ queryKey: KEY, queryFn: () => apiFetch<SecondFactorsJson>("/api/v1/account/security") });
}

export function SecuritySettings({ required }: { required: boolean }) {
  const state = useSecondFactors();
  return (
    <div className="space-y-6">
      {required && state.data && !state.data.sessionHasSecondFactor ? (
        <Alert>
          Store policy requires a second factor before you approve, reject, revoke, sign or create tokens.{" "}
          {state.data.totpEnabled || state.data.passkeys.length > 0
            ? "You have one enrolled: sign out and sign in again with it."
            : "Enroll an authenticator app or a passkey below."}
        </Alert>
      ) : null}
      {state.isLoading ? <LoadingRows rows={3} label="Loading your second factors…" /> : null}
      {state.error ? <Alert>{state.error.message}</Alert> : null}
      {state.data ? (
        <>
          <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="session-factor">
            This session {state.data.sessionHasSecondFactor ? "was signed in with a second factor." : "was signed in with a password only."}
            {state.data.requiredByPolicy ? " Store policy requires a second factor for your role." : ""}
          </p>
          <TotpSettings enabled={state.data.totpEnabled} />
          <PasskeySettings passkeys={state.data.passkeys} />
        </>
      ) : null}
    </div>
  );
}

function TotpSettings({ enabled }: { enabled: boolean }) {
  const client = useQueryClient();
  const toast = useToast();
  const [setup, setSetup] = useState<{ uri: string; secret: string; backupCodes: string[] }>();
  const [codes, setCodes] = useState<string[]>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function enable(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const password = String(new FormData(e.currentTarget).get("password"));
    setBusy(true);
    setError(undefined);
    const { data, error } = await authClient.twoFactor.enable({ password });
    setBusy(false);
    if (error || !data || !("totpURI" in data) || !data.totpURI) return setError(error?.status === 400 ? "Wrong password." : (error?.message ?? "Could not start the enrolment."));
    setSetup({ uri: data.totpURI, secret: new URL(data.totpURI).searchParams.get("secret") ?? "", backupCodes: data.backupCodes ?? [] });
  }

  async function confirm(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const code = String(new FormData(e.currentTarget).get("code")).replace(/\s+/g, "");
    setBusy(true);
    setError(undefined);
    const { error } = await authClient.twoFactor.verifyTotp({ code });
    setBusy(false);
    if (error) return setError("That code is not right. Check the app's clock and try the current code.");
    setCodes(setup?.backupCodes);
    setSetup(undefined);
    toast("Authenticator app enabled");
    await client.invalidateQueries({ queryKey: KEY });
  }

  async function disable(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const password = String(new FormData(e.currentTarget).get("password"));
    setBusy(true);
    setError(undefined);
    const { error } = await authClient.twoFactor.disable({ password });
    setBusy(false);
    if (error) return setError(error.status === 400 ? "Wrong password." : error.message);
    toast("Authenticator app disabled");
    await client.invalidateQueries({ queryKey: KEY });
  }

  return (
    <Card
      title="Authenticator app (TOTP)"
      description="A six-digit code from an app such as Aegis, 1Password or Google Authenticator, asked after your password."
      actions={<Badge tone={enabled ? "green" : "slate"}>{enabled ? "on" : "off"}</Badge>}
    >
      <div className="space-y-4">
        {error ? <Alert id="totp-error">{error}</Alert> : null}
        {codes ? (
          <div role="status" className="space-y-3 rounded-lg bg-emerald-50 p-4 ring-1 ring-emerald-200 ring-inset dark:bg-emerald-950 dark:ring-emerald-900">
            <p className="text-sm font-medium text-emerald-900 dark:text-emerald-100">
              Recovery codes: each signs you in once instead of the app&apos;s code. Store them now; they will not be shown again.
            </p>
            <ul data-testid="recovery-codes" className="grid grid-cols-2 gap-2 font-mono text-sm sm:grid-cols-5">
              {codes.map((c) => (
                <li key={c} className="rounded bg-white px-2 py-1 text-slate-900 dark:bg-slate-900 dark:text-slate-100">{c}</li>
              ))}
            </ul>
            <div className="flex gap-3 text-sm">
              <button type="button" className="font-semibold text-emerald-900 underline dark:text-emerald-100" onClick={() => navigator.clipboard.writeText(codes.join("\n")).then(() => toast("Copied to the clipboard"))}>Copy</button>
              <button type="button" className="font-semibold text-emerald-900 underline dark:text-emerald-100" onClick={() => setCodes(undefined)}>I have stored them</button>
            </div>
          </div>
        ) : null}
        {setup ? (
          <div className="grid gap-6 sm:grid-cols-[auto_1fr]">
            {/* uqr renders the otpauth URI as SVG locally: the secret never leaves the browser. */}
            <div aria-label="QR code of the authenticator secret" role="img" className="h-48 w-48 rounded bg-white p-2" dangerouslySetInnerHTML={{ __html: renderSVG(setup.uri) }} />
            <form onSubmit={confirm} aria-label="Confirm the authenticator app" className="space-y-4">
              <p className="text-sm">Scan the code with your app, or type this secret into it:</p>
              <code data-testid="totp-secret" className="block rounded-md bg-slate-100 p-2 font-mono text-sm break-all dark:bg-slate-800">{setup.secret}</code>
              <Field label="Code from the app" htmlFor="totp-code">
                <TextInput id="totp-code" {...describedBy("totp-error", error)} name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}" required />
              </Field>
              <Button type="submit" disabled={busy}>{busy ? "Checking…" : "Confirm and enable"}</Button>
            </form>
          </div>
        ) : enabled ? (
          <form onSubmit={disable} aria-label="Disable the authenticator app" className="flex flex-wrap items-end gap-3">
            <Field label="Password" htmlFor="totp-disable-password">
              <TextInput id="totp-disable-password" {...describedBy("totp-error", error)} name="password" type="password" autoComplete="current-password" required />
            </Field>
            <Button type="submit" variant="secondary" disabled={busy}>Disable authenticator app</Button>
          </form>
        ) : (
          <form onSubmit={enable} aria-label="Enable the authenticator app" className="flex flex-wrap items-end gap-3">
            <Field label="Password" htmlFor="totp-password">
              <TextInput id="totp-password" {...describedBy("totp-error", error)} name="password" type="password" autoComplete="current-password" required />
            </Field>
            <Button type="submit" disabled={busy}>{busy ? "Starting…" : "Set up authenticator app"}</Button>
          </form>
        )}
      </div>
    </Card>
  );
}

function PasskeySettings({ passkeys }: { passkeys: SecondFactorsJson["passkeys"] }) {
  const client = useQueryClient();
  const toast = useToast();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function add(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget).get("name")).trim() || "Passkey";
    setBusy(true);
    setError(undefined);
    const res = await authClient.passkey.addPasskey({ name });
    setBusy(false);
    if (res?.error) return setError(res.error.message ?? "The passkey was not added.");
    toast("Passkey added. Sign in with it to use it as your second factor.");
    await client.invalidateQueries({ queryKey: KEY });
  }

  async function remove(id: string) {
    setError(undefined);
    try {
      await apiFetch(`/api/v1/account/passkeys/${encodeURIComponent(id)}`, { method: "DELETE" });
      toast("Passkey removed");
    } catch (err) {
      setError((err as Error).message);
    }
    await client.invalidateQueries({ queryKey: KEY });
  }

  return (
    <Card title="Passkeys" description="Sign in with this device's or a security key's passkey instead of a password and code.">
      <div className="space-y-4">
        {error ? <Alert>{error}</Alert> : null}
        {passkeys.length === 0 ? (
          <p className="text-sm text-slate-500">No passkeys yet.</p>
        ) : (
          <ul className="divide-y divide-slate-200 text-sm dark:divide-slate-800" aria-label="Your passkeys">
            {passkeys.map((p) => (
              <li key={p.id} className="flex items-center justify-between py-2">
                <span>
                  <span className="font-medium">{p.name ?? "Passkey"}</span>
                  <span className="block text-slate-500">{p.createdAt ? `added ${p.createdAt.slice(0, 10)}` : ""}{p.backedUp ? " · synced" : ""}</span>
                </span>
                <Button type="button" variant="secondary" onClick={() => remove(p.id)} aria-label={`Remove passkey ${p.name ?? ""}`.trim()}>Remove</Button>
              </li>
            ))}
          </ul>
        )}
        <form onSubmit={add} aria-label="Add a passkey" className="flex flex-wrap items-end gap-3">
          <Field label="Passkey name" htmlFor="passkey-name">
            <TextInput id="passkey-name" name="name" maxLength={64} placeholder="Laptop" />
          </Field>
          <Button type="submit" disabled={busy}>{busy ? "Waiting for the authenticator…" : "Add a passkey"}</Button>
        </form>
      </div>
    </Card>
  );
}
