"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { apiFetch } from "@/lib/client/api";
import { errorSummary, fieldErrorsOf, invalidProps, type FieldErrors } from "@/lib/client/field-errors";
import { authClient } from "@/lib/client/auth-client";
import { Alert } from "./ui/alert";
import { Button } from "./ui/button";
import { Card } from "./ui/card";
import { Field, Select, TextInput } from "./ui/field";

// The API's field paths, in this form's words, and the control each belongs to.
const LABELS: Record<string, string> = { setupToken: "Setup token", adminEmail: "Operator email", adminPassword: "Password", rootCommonName: "Root CA name", rootAlgorithm: "Root key algorithm", confirm: "Repeat password" };
const FIELD_ID: Record<string, string> = { adminEmail: "email", adminPassword: "password" };

export function SetupForm() {
  const [fields, setFields] = useState<FieldErrors>({});
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [token, setToken] = useState<string>();
  const [copied, setCopied] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get("email"));
    const password = String(form.get("password"));
    if (password !== String(form.get("confirm"))) {
      setFields({ confirm: "The two passwords differ" });
      setError("Repeat password: the two passwords differ");
      return;
    }
    setBusy(true);
    setError(undefined);
    setFields({});
    try {
      const result = await apiFetch<{ rootCaId: string; operatorToken: string }>("/api/v1/setup", {
        json: {
          setupToken: String(form.get("setupToken")).trim(),
          adminEmail: email,
          adminPassword: password,
          rootCommonName: String(form.get("rootCommonName")),
          rootAlgorithm: String(form.get("rootAlgorithm")),
        },
      });
      const signIn = await authClient.signIn.email({ email, password });
      if (signIn.error) throw new Error(signIn.error.message ?? "Sign-in failed");
      setToken(result.operatorToken);
    } catch (err) {
      setError(errorSummary(err, LABELS, "Setup failed"));
      setFields(Object.fromEntries(Object.entries(fieldErrorsOf(err)).map(([path, message]) => [FIELD_ID[path] ?? path, message])));
    } finally {
      setBusy(false);
    }
  }

  if (token) {
    return (
      <Card title="Signet is ready" description="Your operator API token is shown once. Store it in your secrets manager.">
        <div className="space-y-4">
          <code data-testid="operator-token" className="block rounded-md bg-slate-100 p-3 font-mono text-xs break-all dark:bg-slate-800">
            {token}
          </code>
          <div className="flex flex-wrap items-center gap-3">
            <Button
              variant="secondary"
              onClick={async () => {
                await navigator.clipboard.writeText(token);
                setCopied(true);
              }}
            >
              Copy token
            </Button>
            <Button onClick={() => router.push("/dashboard")}>Continue to the console</Button>
            <span role="status" className="text-sm text-slate-600 dark:text-slate-400">{copied ? "Copied to the clipboard" : ""}</span>
          </div>
        </div>
      </Card>
    );
  }

  return (
    <Card>
      <form onSubmit={onSubmit} className="space-y-5" aria-label="Set up Signet">
        {error ? <Alert>{error}</Alert> : null}
        <Field label="Setup token" htmlFor="setupToken" error={fields.setupToken} hint="Printed on the server console at start.">
          <TextInput id="setupToken" {...invalidProps("setupToken", fields.setupToken)} name="setupToken" required autoComplete="off" spellCheck={false} />
        </Field>
        <div className="grid gap-5 sm:grid-cols-2">
          <Field label="Operator email" htmlFor="email" error={fields.email}>
            <TextInput id="email" {...invalidProps("email", fields.email)} name="email" type="email" required autoComplete="email" />
          </Field>
          <Field label="Root CA name" htmlFor="rootCommonName" error={fields.rootCommonName}>
            <TextInput id="rootCommonName" {...invalidProps("rootCommonName", fields.rootCommonName)} name="rootCommonName" defaultValue="Signet Root CA" required maxLength={64} />
          </Field>
          <Field label="Password" htmlFor="password" error={fields.password} hint="At least 10 characters.">
            <TextInput id="password" {...invalidProps("password", fields.password)} name="password" type="password" required minLength={10} autoComplete="new-password" />
          </Field>
          <Field label="Repeat password" htmlFor="confirm" error={fields.confirm}>
            <TextInput id="confirm" {...invalidProps("confirm", fields.confirm)} name="confirm" type="password" required minLength={10} autoComplete="new-password" />
          </Field>
        </div>
        <Field label="Root key algorithm" htmlFor="rootAlgorithm" error={fields.rootAlgorithm} hint="ECDSA P-256 is the default; RSA roots are larger and slower.">
          <Select id="rootAlgorithm" {...invalidProps("rootAlgorithm", fields.rootAlgorithm)} name="rootAlgorithm" defaultValue="ecdsa-p256">
            <option value="ecdsa-p256">ECDSA P-256</option>
            <option value="ecdsa-p384">ECDSA P-384</option>
            <option value="rsa-3072">RSA 3072</option>
            <option value="rsa-4096">RSA 4096</option>
          </Select>
        </Field>
        <Button type="submit" disabled={busy} className="w-full">
          {busy ? "Creating the Root CA…" : "Create operator and Root CA"}
        </Button>
      </form>
    </Card>
  );
}
