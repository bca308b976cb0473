"use client";

import { encryptPkcs8, toPem } from "@/lib/client/key-files";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";

export type KeyFile = { href: string; name: string; encrypted: boolean };

/** The browser-generated key after submit: downloaded already, offered again, and kept until the user says it is saved. */
export function KeyFileNotice({ file, saved, onSaved }: { file: KeyFile; saved: boolean; onSaved: () => void }) {
  return (
    <Alert tone="info">
      <p>
        Your private key never left this browser. It was downloaded as <strong className="wrap-anywhere">{file.name}</strong>{" "}
        {file.encrypted ? "(encrypted with your passphrase; npx signet sign and signet issue open it with SIGNET_KEY_PASSPHRASE)" : "(not encrypted: keep it somewhere only you can read)"}. Signet cannot recover it.
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <a href={file.href} download={file.name} className="font-semibold underline" onClick={onSaved}>
          Download {file.name} again
        </a>
        {saved ? <span>Saved. Once the certificate is issued, its page makes a PKCS#12 from this file.</span> : <Button type="button" variant="secondary" onClick={onSaved}>I saved the key file</Button>}
      </div>
    </Alert>
  );
}

/** Downloads `file` now, as a click on its link would. */
export function downloadNow(file: Pick<KeyFile, "href" | "name">): void {
  const a = document.createElement("a");
  a.href = file.href;
  a.download = file.name;
  document.body.append(a);
  a.click();
  a.remove();
}

/** The key file to save: PKCS#8 PEM, encrypted under `passphrase` when there is one. */
export async function makeKeyFile(pkcs8: Uint8Array, passphrase: string, name: string): Promise<KeyFile> {
  const pem = passphrase ? await encryptPkcs8(pkcs8, passphrase) : toPem(pkcs8, "PRIVATE KEY");
  return { href: URL.createObjectURL(new Blob([pem], { type: "application/x-pem-file" })), name, encrypted: Boolean(passphrase) };
}
