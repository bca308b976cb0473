// Where keys are created and held: CA keys in the PKCS#11 token when one is configured (SIGNET_PKCS11_*),
// everything else — and CA keys without a token — sealed under the master key in the database.
import { env, type Pkcs11Config } from "../../env";
import { AppError } from "../errors";
import { Pkcs11Token } from "./pkcs11-token";

export type KeyPurpose = "root-ca" | "org-ca" | "plugin" | "ocsp-responder" | "store";
export type KeyBackend = "software" | "pkcs11";

// On globalThis, like the database client: a dev-server reload must not load and log in to the module twice.
type Holder = { override?: { pkcs11: Pkcs11Config | undefined }; token?: Promise<Pkcs11Token> };
const holder = ((globalThis as { __signetKeyCustody?: Holder }).__signetKeyCustody ??= {});

export function pkcs11Config(): Pkcs11Config | undefined {
  return holder.override ? holder.override.pkcs11 : env().pkcs11;
}

/**
 * CA keys and store signing keys go to the token. A store key signs one OpenPGP signature per artifact,
 * and a host that trusts it trusts it as much as a CA (FORMATS.md §4), so it is held like one.
 * Plugin keys do not: they sign every entry of an uploaded archive, in worker threads that
 * need the key itself, and OCSP responder keys sign answers on demand; a token round trip per signature would
 * throttle both, and neither key can issue a certificate (the responder's is itself issued by the CA key).
 */
export function backendFor(purpose: KeyPurpose): KeyBackend {
  return (purpose === "root-ca" || purpose === "org-ca" || purpose === "store") && pkcs11Config() ? "pkcs11" : "software";
}

/** The logged-in token, opened on first use and then shared by every signer in the process. */
export function currentToken(): Promise<Pkcs11Token> {
  const config = pkcs11Config();
  if (!config) return Promise.reject(new AppError("conflict", "No PKCS#11 token is configured (SIGNET_PKCS11_MODULE)"));
  holder.token ??= Pkcs11Token.open(config).catch((err: unknown) => {
    holder.token = undefined;
    throw err;
  });
  return holder.token;
}

export async function closeToken(): Promise<void> {
  const opening = holder.token;
  holder.token = undefined;
  if (opening) (await opening.catch(() => undefined))?.close();
}

/**
 * Tests only: the integration tests share one process and env() is read once, so a test that needs a
 * token points custody at its own (or at none) here, and passes `"env"` in afterAll to go back to env().
 */
export async function configureKeyCustodyForTests(pkcs11: Pkcs11Config | undefined | "env"): Promise<void> {
  await closeToken();
  holder.override = pkcs11 === "env" ? undefined : { pkcs11 };
}
