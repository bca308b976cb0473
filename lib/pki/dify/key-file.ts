// The key file a Dify host lists in THIRD_PARTY_SIGNATURE_VERIFICATION_PUBLIC_KEYS. The daemon's
// encryption.LoadPublicKey takes one PEM block of type "RSA PUBLIC KEY" (PKCS#1, not SPKI) and
// fails if anything at all follows it — pem.Decode consumes exactly one newline after the END line —
// and one failing file makes it verify nothing, official packages included.
import crypto from "node:crypto";
import { fromPem, toPem } from "../certificate/pem";
import { algorithmIdentifier, bitString, sequence } from "../der";
import { checkPublicKey } from "../keys/check-public-key";

const RSA_ENCRYPTION = "1.2.840.113549.1.1.1";

const LABEL = "RSA PUBLIC KEY";

/** PKCS#1 RSAPublicKey PEM of an RSA SubjectPublicKeyInfo: one block, exactly one trailing newline. */
export function difyPublicKeyFile(spki: Uint8Array): string {
  const key = crypto.createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  if (key.asymmetricKeyType !== "rsa") throw new Error("A Dify signing key is RSA: the daemon verifies RSA PKCS#1 v1.5 SHA-256 only");
  return toPem(key.export({ type: "pkcs1", format: "der" }), LABEL);
}

/**
 * The SPKI of a Dify key file, accepted only in the form the daemon accepts. The file may come from
 * outside (`signet verify --key`): its PKCS#1 body is wrapped into a SubjectPublicKeyInfo and goes
 * through the one key validator before node:crypto reads it. Throws Error or PublicKeyError.
 */
export function parseDifyPublicKeyFile(text: string): Uint8Array {
  const blocks = fromPem(text, LABEL);
  if (blocks.length !== 1) throw new Error(`A Dify key file holds exactly one "${LABEL}" PEM block`);
  const end = `-----END ${LABEL}-----`;
  if (!text.startsWith(`-----BEGIN ${LABEL}-----`) || text.indexOf(end) + end.length + 1 !== text.length || !text.endsWith("\n")) {
    throw new Error("A Dify key file has nothing before its PEM block and exactly one newline after it");
  }
  const spki = new Uint8Array(sequence(algorithmIdentifier(RSA_ENCRYPTION, true), bitString(blocks[0])));
  const key = checkPublicKey(spki);
  if (key.type !== "rsa") throw new Error("A Dify key is RSA");
  return spki;
}
