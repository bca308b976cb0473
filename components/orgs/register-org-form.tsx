"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { apiFetch } from "@/lib/client/api";
import { errorSummary, fieldErrorsOf, invalidProps, type FieldErrors } from "@/lib/client/field-errors";
import { authClient } from "@/lib/client/auth-client";
import { generateBrowserKeyAndCsr } from "@/lib/client/browser-key";
import { downloadNow, KeyFileNotice, makeKeyFile, type KeyFile } from "../keys/key-file-notice";
import { PASSPHRASE_LABELS, PassphraseFields, readPassphrase } from "../keys/passphrase-fields";
import { useUnsavedKeyGuard } from "../keys/unsaved-key-guard";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, TextInput } from "../ui/field";

// The API's field paths, in the words of this form's labels.
const LABELS: Record<string, string> = {
  name: "Organization name",
  slug: "Short name (slug)",
  pluginIdPrefix: "Plugin id prefix",
  "admin.email": "Admin email",
  "admin.password": "Admin password",
  csrPem: "Certificate signing request",
  ...PASSPHRASE_LABELS,
};
const FIELD_ID: Record<string, string> = { "admin.email": "email", "admin.password": "password" };

function slugify(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40);
}

export function RegisterOrgForm() {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [slug, setSlug] = useState("");
  const [slugTouched, setSlugTouched] = useState(false);
  const [keyMode, setKeyMode] = useState<"hosted" | "browser" | "external">("hosted");
  // A CA key generated here: the form stays until the key file is saved (it never reaches Signet).
  const [registered, setRegistered] = useState<{ slug: string; keyFile: KeyFile }>();
  const [keySaved, setKeySaved] = useState(false);
  useUnsavedKeyGuard(Boolean(registered) && !keySaved);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get("email"));
    const password = String(form.get("password"));
    setError(undefined);
    setFields({});
    let csrPem: string | undefined = keyMode === "external" ? String(form.get("csrPem")) : undefined;
    let keyFile: KeyFile | undefined;
    if (keyMode === "browser") {
      const { problems } = readPassphrase(form);
      if (problems) {
        setFields(problems);
        setError(Object.entries(problems).map(([k, v]) => `${LABELS[k]}: ${v}`).join(" · "));
        return;
      }
    }
    setBusy(true);
    try {
      if (keyMode === "browser") {
        const { passphrase } = readPassphrase(form);
        const generated = await generateBrowserKeyAndCsr(String(form.get("name")), 3072);
        csrPem = generated.csrPem;
        keyFile = await makeKeyFile(generated.pkcs8, passphrase, `${slug}-ca.key`);
      }
      await apiFetch("/api/v1/orgs", {
        json: {
          name: String(form.get("name")),
          slug,
          pluginIdPrefix: String(form.get("pluginIdPrefix")),
          admin: { email, password },
          // The browser signs in below: no API token that nobody would ever see.
          token: false,
          ...(csrPem ? { csrPem } : {}),
        },
      });
      const signIn = await authClient.signIn.email({ email, password });
      if (keyFile) {
        setRegistered({ slug, keyFile });
        downloadNow(keyFile);
        setBusy(false);
        if (signIn.error) setError("Registered, but signing in failed: sign in on the next page once the key is saved.");
        return;
      }
      if (signIn.error) throw new Error("Registered, but signing in failed: sign in on the next page.");
      router.push(`/orgs/${slug}`);
      router.refresh();
    } catch (err) {
      setError(errorSummary(err, LABELS, "Registration failed"));
      setFields(Object.fromEntries(Object.entries(fieldErrorsOf(err)).map(([path, message]) => [FIELD_ID[path] ?? path, message])));
      setBusy(false);
    }
  }

  if (registered) {
    return (
      <Card title="Organization registered" description="A store operator reviews it. Your CA key was made in this browser: save it before you go on.">
        <div className="space-y-4">
          {error ? <Alert>{error}</Alert> : null}
          <KeyFileNotice file={registered.keyFile} saved={keySaved} onSaved={() => setKeySaved(true)} />
          <a href={`/orgs/${registered.slug}`} className="inline-block text-sm font-semibold text-brand-700 hover:underline dark:text-brand-300">Continue to your organization</a>
        </div>
      </Card>
    );
  }

  return (
    <Card>
      <form onSubmit={onSubmit} className="space-y-5" aria-label="Register an organization">
        {error ? <Alert>{error}</Alert> : null}
        <div className="grid gap-5 sm:grid-cols-2">
          <Field label="Organization name" htmlFor="name" error={fields.name} hint="Becomes O= in every certificate you hold.">
            <TextInput
              id="name"
              name="name"
              {...invalidProps("name", fields.name)}
              required
              minLength={2}
              maxLength={64}
              onChange={(e) => {
                if (!slugTouched) setSlug(slugify(e.target.value));
              }}
            />
          </Field>
          <Field label="Short name (slug)" htmlFor="slug" error={fields.slug} hint="Lowercase letters, digits and dashes.">
            <TextInput
              id="slug"
              name="slug"
              {...invalidProps("slug", fields.slug)}
              required
              pattern="[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?"
              value={slug}
              onChange={(e) => {
                setSlugTouched(true);
                setSlug(e.target.value);
              }}
            />
          </Field>
        </div>
        <Field label="Plugin id prefix" htmlFor="pluginIdPrefix" error={fields.pluginIdPrefix} hint="Reverse-DNS, ending in a dot. Your plugins' ids must start with it, e.g. com.acme.greenscreen.">
          <TextInput id="pluginIdPrefix" name="pluginIdPrefix" {...invalidProps("pluginIdPrefix", fields.pluginIdPrefix)} required placeholder="com.acme." />
        </Field>
        <div className="grid gap-5 sm:grid-cols-2">
          <Field label="Admin email" htmlFor="email" error={fields.email}>
            <TextInput id="email" name="email" {...invalidProps("email", fields.email)} type="email" required autoComplete="email" />
          </Field>
          <Field label="Admin password" htmlFor="password" error={fields.password} hint="At least 10 characters.">
            <TextInput id="password" name="password" {...invalidProps("password", fields.password)} type="password" required minLength={10} autoComplete="new-password" />
          </Field>
        </div>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Organization CA key</legend>
          <label className="flex items-start gap-2 text-sm">
            <input type="radio" name="keyMode" checked={keyMode === "hosted"} onChange={() => setKeyMode("hosted")} className="mt-1" />
            <span>
              <strong>Hosted by Signet</strong> — Signet generates and guards the key and issues your plugin certificates.
            </span>
          </label>
          <label className="flex items-start gap-2 text-sm">
            <input type="radio" name="keyMode" checked={keyMode === "browser"} onChange={() => setKeyMode("browser")} className="mt-1" />
            <span>
              <strong>Our own key, generated in this browser</strong> — an RSA 3072 key made with WebCrypto; the key file downloads when you register (encrypted if you choose a passphrase), only its CSR is sent. You then issue plugin certificates with <code>npx signet issue</code>.
            </span>
          </label>
          <label className="flex items-start gap-2 text-sm">
            <input type="radio" name="keyMode" checked={keyMode === "external"} onChange={() => setKeyMode("external")} className="mt-1" />
            <span>
              <strong>Our own key</strong> — upload a CSR; you keep the key and issue plugin certificates yourself (<code>npx signet csr --org NAME</code>).
            </span>
          </label>
        </fieldset>
        {keyMode === "browser" ? (
          <PassphraseFields fields={fields} />
        ) : null}
        {keyMode === "external" ? (
          <Field label="Certificate signing request (PEM)" htmlFor="csrPem" error={fields.csrPem}>
            <textarea id="csrPem" name="csrPem" required rows={6} {...invalidProps("csrPem", fields.csrPem)} className="block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-xs ring-1 ring-slate-300 ring-inset aria-invalid:ring-red-600 dark:bg-slate-900 dark:ring-slate-700" placeholder="-----BEGIN CERTIFICATE REQUEST-----" />
          </Field>
        ) : null}
        <Button type="submit" disabled={busy} className="w-full">
          {busy ? "Registering…" : "Register organization"}
        </Button>
      </form>
    </Card>
  );
}
