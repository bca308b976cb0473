// What a device lists in ArtifactVerifyKeys: an SPKI `-----BEGIN PUBLIC KEY-----` PEM
// (mender-artifact's GetKeyAndVerifyMethod: pem.Decode + x509.ParsePKIXPublicKey).
import { toPem } from "../certificate/pem";
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
