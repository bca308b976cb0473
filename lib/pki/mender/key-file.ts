// What a device lists in ArtifactVerifyKeys: an SPKI `-----BEGIN PUBLIC KEY-----` PEM
// (mender-artifact's GetKeyAndVerifyMethod: pem.Decode + x509.ParsePKIXPublicKey).
import { fromPem, toPem } from "../certificate/pem";
import { checkPublicKey } from "../keys/check-public-key";
import type { KeyAlgorithm } from "../signer";

/** The key types mender-artifact verifies: RSA PKCS#1 v1.5 SHA-256 (≥ 3072 here) or ECDSA P-256 only. */
export const MENDER_KEY_ALGORITHMS: readonly KeyAlgorithm[] = ["rsa-3072", "rsa-4096", "ecdsa-p256"];

export function checkMenderKeyAlgorithm(algorithm: KeyAlgorithm): void {
  if (!MENDER_KEY_ALGORITHMS.includes(algorithm)) {
    throw new Error(`A Mender signing key is RSA-3072, RSA-4096 or ECDSA P-256 (mender-artifact verifies no other curve), not ${algorithm}`);
  }
}

export function menderPublicKeyFile(spki: Uint8Array): string {
  return toPem(spki, "PUBLIC KEY");
}

/**
 * The SPKI of an ArtifactVerifyKeys file (one `PUBLIC KEY` PEM block), through the one key validator
 * before node:crypto may read it; only the key types mender-artifact verifies. Throws Error or PublicKeyError.
 */
export function parseMenderPublicKeyFile(text: string): Uint8Array {
  const blocks = fromPem(text, "PUBLIC KEY");
  if (blocks.length !== 1) throw new Error('A Mender key file holds exactly one "PUBLIC KEY" (SubjectPublicKeyInfo) PEM block');
  const key = checkPublicKey(blocks[0]);
  if (key.type === "ec" && key.curve !== "P-256") throw new Error(`mender-artifact verifies ECDSA on P-256 only, not ${key.curve}`);
  return blocks[0];
}
