// Shapes for signing with a key we cannot hold: what goes into a token's raw mechanism, and how its
// output becomes what X.509 carries. Pure (no token here); the PKCS#11 signer in lib/server/keys uses it.
import crypto from "node:crypto";
import { algorithmIdentifier, integerFromBytes, octetString, oid, sequence } from "./der";
import { children, contentOf, DerError, readRoot } from "./der-read";
import { OID, type HashName, type KeyAlgorithm } from "./signer";

const HASH_OID: Record<HashName, string> = { sha256: OID.sha256, sha384: OID.sha384, sha512: OID.sha512 };

/**
 * PKCS#11 CKM_ECDSA returns r || s, each left-padded to the curve's byte length (PKCS#11 v2.40 §2.3.1);
 * certificates, CRLs and OCSP carry DER `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (RFC 5480 / RFC 3279 §2.2.3).
 */
export function ecdsaRawToDer(raw: Uint8Array): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new Error(`an ECDSA r||s signature has an even, non-zero length, not ${raw.length}`);
  const half = raw.length / 2;
  return sequence(integerFromBytes(raw.subarray(0, half)), integerFromBytes(raw.subarray(half)));
}

/**
 * The inverse: DER `ECDSA-Sig-Value` to r || s, each left-padded to `size` bytes — the form Mender's
 * manifest.sig and JOSE carry (mender-artifact 3.9 verifies 64-byte r||s only for P-256).
 */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Buffer {
  const root = readRoot(der, 0x30);
  const parts = children(der, root);
  if (parts.length !== 2 || parts.some((p) => p.tag !== 0x02)) throw new DerError("ECDSA-Sig-Value is SEQUENCE { r INTEGER, s INTEGER }");
  const raw = Buffer.alloc(2 * size);
  parts.forEach((part, i) => {
    let value = contentOf(der, part);
    if (value.length === 0 || value[0] & 0x80) throw new DerError("ECDSA r and s are positive integers");
    while (value.length > 1 && value[0] === 0) value = value.subarray(1);
    if (value.length > size) throw new DerError(`ECDSA r or s is longer than ${size} bytes`);
    raw.set(value, i * size + size - value.length);
  });
  return raw;
}

/**
 * DER `DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier, digest OCTET STRING }` — the block a raw
 * CKM_RSA_PKCS signature must wrap to be an RSASSA-PKCS1-v1_5 signature (RFC 8017 §9.2). The NULL parameter is
 * required: §9.2 note 1 lists the encodings with it, and verifiers compare the whole block byte for byte.
 */
export function digestInfo(hash: HashName, digest: Uint8Array): Buffer {
  return sequence(algorithmIdentifier(HASH_OID[hash], true), octetString(digest));
}

/** The SubjectPublicKeyInfo of an EC public key from the uncompressed point (0x04 || X || Y) a token reports. */
export function ecSpkiFromPoint(algorithm: "ecdsa-p256" | "ecdsa-p384", point: Uint8Array): Uint8Array {
  const size = algorithm === "ecdsa-p256" ? 32 : 48;
  if (point.length !== 1 + 2 * size || point[0] !== 0x04) throw new Error("expected an uncompressed EC point");
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
  const jwk = { kty: "EC", crv: algorithm === "ecdsa-p256" ? "P-256" : "P-384", x: b64(point.subarray(1, 1 + size)), y: b64(point.subarray(1 + size)) };
  return new Uint8Array(crypto.createPublicKey({ key: jwk, format: "jwk" }).export({ type: "spki", format: "der" }));
}

/** The SubjectPublicKeyInfo of an RSA public key from its modulus and public exponent (big-endian). */
export function rsaSpkiFromModulus(modulus: Uint8Array, publicExponent: Uint8Array): Uint8Array {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
  const key = crypto.createPublicKey({ key: { kty: "RSA", n: b64(modulus), e: b64(publicExponent) }, format: "jwk" });
  return new Uint8Array(key.export({ type: "spki", format: "der" }));
}

/** The named-curve OID a token's CKA_EC_PARAMS holds (DER OBJECT IDENTIFIER, RFC 5480 §2.1.1). */
export function ecParamsFor(algorithm: "ecdsa-p256" | "ecdsa-p384"): Buffer {
  return oid(algorithm === "ecdsa-p256" ? OID.secp256r1 : OID.secp384r1);
}

export function isEcAlgorithm(algorithm: KeyAlgorithm): algorithm is "ecdsa-p256" | "ecdsa-p384" {
  return algorithm === "ecdsa-p256" || algorithm === "ecdsa-p384";
}
