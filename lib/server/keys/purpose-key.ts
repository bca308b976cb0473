// Keys derived from the master key, one per purpose, never stored: HKDF-SHA256 (RFC 5869) with the
// purpose as the info label, so the database holds neither the key nor anything it could be rebuilt
// from, and every instance sharing the master key derives the same key.
import crypto from "node:crypto";
import { masterKey, masterKeyIfPresent } from "./master-key";

export type DerivedPurpose = "audit-checkpoint";

// RFC 8410 §7: PrivateKeyInfo for Ed25519 is this prefix followed by the 32-byte seed.
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

function derive(master: Buffer, purpose: DerivedPurpose): { privateKey: crypto.KeyObject; publicKey: crypto.KeyObject } {
  const seed = Buffer.from(crypto.hkdfSync("sha256", master, Buffer.alloc(0), `signet/${purpose}/ed25519/v1`, 32));
  const privateKey = crypto.createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  return { privateKey, publicKey: crypto.createPublicKey(privateKey) };
}

const cache = new Map<DerivedPurpose, { privateKey: crypto.KeyObject; publicKey: crypto.KeyObject }>();

/** The Ed25519 key pair for `purpose`, derived from the master key (creating the key file on first use). */
export function derivedKeyPair(purpose: DerivedPurpose): { privateKey: crypto.KeyObject; publicKey: crypto.KeyObject } {
  let pair = cache.get(purpose);
  if (!pair) cache.set(purpose, (pair = derive(masterKey(), purpose)));
  return pair;
}

/** The public half when a master key is present here, without ever creating one. */
export function derivedPublicKeyIfPresent(purpose: DerivedPurpose): crypto.KeyObject | undefined {
  const master = masterKeyIfPresent();
  return master ? derive(master, purpose).publicKey : undefined;
}
