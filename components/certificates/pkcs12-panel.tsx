"use client";

import { useState, type FormEvent } from "react";
import { errorSummary, invalidProps, type FieldErrors } from "@/lib/client/field-errors";
import { buildPkcs12, KeyFileError, MIN_PASSPHRASE_LENGTH, pemBlocks, readPrivateKeyPem } from "@/lib/client/key-files";
import { downloadNow } from "../keys/key-file-notice";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, TextInput } from "../ui/field";

const LABELS: Record<string, string> = { keyFile: "Private key file", keyPassphrase: "Key file passphrase", p12Passphrase: "PKCS#12 passphrase", p12Repeat: "Repeat the PKCS#12 passphrase" };

/**
 * The organization's own key and this certificate (with its chain) as one PKCS#12, made in this
 * browser: the key file is read here and never sent.
 */
export function Pkcs12Panel({ chainPem, name }: { chainPem: string; name: string }) {
  const [fields, setFields] = useState<FieldErrors>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [made, setMade] = useState<{ href: string; name: string }>();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const file = form.get("keyFile");
    const keyPassphrase = String(form.get("keyPassphrase") ?? "");
    const passphrase = String(form.get("p12Passphrase") ?? "");
    const local: FieldErrors = {};
    if (!(file instanceof File) || file.size === 0) local.keyFile = "Choose the key file you saved when you made the request";
    else if (file.size > 64 * 1024) local.keyFile = "This file is too large to be a private key";
    if (passphrase.length < MIN_PASSPHRASE_LENGTH) local.p12Passphrase = `Use at least ${MIN_PASSPHRASE_LENGTH} characters: a PKCS#12 is always encrypted`;
    if (passphrase !== String(form.get("p12Repeat") ?? "")) local.p12Repeat = "The two passphrases differ";
    setFields(local);
    setError(Object.keys(local).length ? Object.entries(local).map(([k, v]) => `${LABELS[k]}: ${v}`).join(" · ") : undefined);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      let pkcs8: Uint8Array;
      try {
        pkcs8 = await readPrivateKeyPem(await (file as File).text(), keyPassphrase);
      } catch (err) {
        const message = err instanceof KeyFileError ? err.message : "The key file cannot be read";
        setFields(/passphrase/i.test(message) ? { keyPassphrase: message } : { keyFile: message });
        throw err;
      }
      const der = await buildPkcs12(pkcs8, pemBlocks(chainPem, "CERTIFICATE"), passphrase, name);
      if (made) URL.revokeObjectURL(made.href);
      const out = { href: URL.createObjectURL(new Blob([der as BlobPart], { type: "application/x-pkcs12" })), name: `${name}.p12` };
      setMade(out);
      downloadNow(out);
    } catch (err) {
      setError(err instanceof KeyFileError ? err.message : errorSummary(err, LABELS, "The PKCS#12 could not be made"));
      if (err instanceof KeyFileError && /not the key of this certificate/.test(err.message)) setFields({ keyFile: err.message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="PKCS#12 for this certificate" description="Your key file and this certificate with its chain in one passphrase-protected file, made in this browser: the key is read here and never sent to Signet.">
      <form onSubmit={onSubmit} className="space-y-4" aria-label="Make a PKCS#12" noValidate>
        {error ? <Alert>{error}</Alert> : null}
        {made ? (
          <Alert tone="success">
            <a href={made.href} download={made.name} className="font-semibold underline">Download {made.name}</a> again if the download did not start.
          </Alert>
        ) : null}
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Private key file" htmlFor="keyFile" error={fields.keyFile} hint="The .key file saved when you made the request (PEM, encrypted or not).">
            <input id="keyFile" name="keyFile" type="file" accept=".key,.pem,text/plain" className="block w-full text-sm" {...invalidProps("keyFile", fields.keyFile)} />
          </Field>
          <Field label="Key file passphrase" htmlFor="keyPassphrase" error={fields.keyPassphrase} hint="Only if the key file is encrypted.">
            <TextInput id="keyPassphrase" name="keyPassphrase" type="password" autoComplete="off" {...invalidProps("keyPassphrase", fields.keyPassphrase)} />
          </Field>
          <Field label="PKCS#12 passphrase" htmlFor="p12Passphrase" error={fields.p12Passphrase}>
            <TextInput id="p12Passphrase" name="p12Passphrase" type="password" autoComplete="new-password" {...invalidProps("p12Passphrase", fields.p12Passphrase)} />
          </Field>
          <Field label="Repeat the PKCS#12 passphrase" htmlFor="p12Repeat" error={fields.p12Repeat}>
            <TextInput id="p12Repeat" name="p12Repeat" type="password" autoComplete="new-password" {...invalidProps("p12Repeat", fields.p12Repeat)} />
          </Field>
        </div>
        <Button type="submit" disabled={busy}>{busy ? "Making the PKCS#12…" : "Make the PKCS#12"}</Button>
      </form>
    </Card>
  );
}
