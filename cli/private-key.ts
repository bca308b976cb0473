// A private key file for `signet sign` and `signet issue`: unencrypted PEM, or an encrypted PKCS#8
// ("BEGIN ENCRYPTED PRIVATE KEY", e.g. the console's browser-generated key with a passphrase)
// opened with SIGNET_KEY_PASSPHRASE. The passphrase comes from the environment, never argv (which
// other users of the machine can read in the process list).
import crypto from "node:crypto";
import { CliError } from "./io";

export function readPrivateKey(pem: string, what: string, exitCode = 2): crypto.KeyObject {
  const encrypted = pem.includes("-----BEGIN ENCRYPTED PRIVATE KEY-----");
  const passphrase = process.env.SIGNET_KEY_PASSPHRASE;
  if (encrypted && !passphrase) throw new CliError(`${what} is encrypted: set SIGNET_KEY_PASSPHRASE to its passphrase`, exitCode);
  try {
    return crypto.createPrivateKey(encrypted ? { key: pem, format: "pem", passphrase } : pem);
  } catch {
    throw new CliError(encrypted ? `${what}: SIGNET_KEY_PASSPHRASE does not open this key` : `${what}: not a PEM private key`, exitCode);
  }
}
