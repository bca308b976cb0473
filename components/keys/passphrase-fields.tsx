"use client";

import { invalidProps, type FieldErrors } from "@/lib/client/field-errors";
import { MIN_PASSPHRASE_LENGTH } from "@/lib/client/key-files";
import { Field, TextInput } from "../ui/field";

export const PASSPHRASE_LABELS = { passphrase: "Passphrase", passphraseRepeat: "Repeat the passphrase" } as const;

/** The optional passphrase of a browser-generated key file, typed twice. */
export function PassphraseFields({ fields }: { fields: FieldErrors }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field label={PASSPHRASE_LABELS.passphrase} htmlFor="passphrase" error={fields.passphrase} hint="Optional. Encrypts the key file (PKCS#8, AES-256, PBKDF2-SHA256). Signet never sees it and cannot recover it.">
        <TextInput id="passphrase" name="passphrase" type="password" autoComplete="new-password" {...invalidProps("passphrase", fields.passphrase)} />
      </Field>
      <Field label={PASSPHRASE_LABELS.passphraseRepeat} htmlFor="passphraseRepeat" error={fields.passphraseRepeat}>
        <TextInput id="passphraseRepeat" name="passphraseRepeat" type="password" autoComplete="new-password" {...invalidProps("passphraseRepeat", fields.passphraseRepeat)} />
      </Field>
    </div>
  );
}

/** The passphrase PassphraseFields collected ("" for none), or the problems to show on its fields. */
export function readPassphrase(form: FormData): { passphrase: string; problems?: FieldErrors } {
  const passphrase = String(form.get("passphrase") ?? "");
  const problems: FieldErrors = {};
  if (passphrase && passphrase.length < MIN_PASSPHRASE_LENGTH) problems.passphrase = `Use at least ${MIN_PASSPHRASE_LENGTH} characters, or leave it empty for an unencrypted key file`;
  if (passphrase !== String(form.get("passphraseRepeat") ?? "")) problems.passphraseRepeat = "The two passphrases differ";
  return Object.keys(problems).length ? { passphrase, problems } : { passphrase };
}
