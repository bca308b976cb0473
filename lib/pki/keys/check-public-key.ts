// THE reader of public keys that come from outside (CSRs, certificates in archives and chains,
// uploaded CA certificates). Node imports some invalid keys without complaint and then aborts the
// process when asked about them (an EC point at infinity aborts in asymmetricKeyDetails), so a key
// is parsed and validated here, in plain code, before node:crypto may touch it. Its classification
// replaces asymmetricKeyDetails for deciding what a key is.
import crypto, { type KeyObject } from "node:crypto";
import { children, contentOf, DerError, oidToString, readRoot, type Tlv } from "../der-read";
import type { KeyAlgorithm } from "../signer";
import { bigIntFromBytes, bitLength } from "./bigint";
import { CURVES, ecPointProblem, type CurveName } from "./ec-point";
import { rsaWeakness } from "./rsa-weakness";

export type PublicKeyErrorCode = "invalid_key" | "unsupported_key" | "explicit_curve" | "weak_key";

export class PublicKeyError extends Error {
  constructor(
    readonly code: PublicKeyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "PublicKeyError";
  }
}

export type CheckedPublicKey = { spkiDer: Uint8Array; bits: number; keyAlgorithm: KeyAlgorithm | undefined } & (
  | { type: "rsa"; modulus: bigint; publicExponent: bigint }
  | { type: "ec"; curve: CurveName }
);

// Above OpenSSL's OPENSSL_RSA_MAX_MODULUS_BITS nothing verifies anyway, and the checks' cost grows with size.
const MAX_RSA_BITS = 16384;
const MIN_RSA_BITS = 512;
const RSA_ALGORITHMS: Readonly<Record<number, KeyAlgorithm>> = { 2048: "rsa-2048", 3072: "rsa-3072", 4096: "rsa-4096" };

// Local rather than signer.ts's OID table: signer.ts classifies its own keys through this module.
const RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
const EC_PUBLIC_KEY = "1.2.840.10045.2.1";

const invalid = (message: string): never => {
  throw new PublicKeyError("invalid_key", message);
};

/** A DER INTEGER's value, refusing non-minimal and negative encodings (X.690 §8.3.2). */
function positiveInteger(der: Uint8Array, tlv: Tlv | undefined, what: string): bigint {
  if (!tlv || tlv.tag !== 0x02) return invalid(`${what} is not an INTEGER`);
  const bytes = contentOf(der, tlv);
  if (bytes.length === 0) return invalid(`${what} is an empty INTEGER`);
  if (bytes.length > 1 && bytes[0] === 0x00 && !(bytes[1] & 0x80)) return invalid(`${what} is not minimally encoded`);
  if (bytes[0] & 0x80) return invalid(`${what} is negative`);
  return bigIntFromBytes(bytes);
}

function readRsa(spkiDer: Uint8Array, params: Tlv | undefined, key: Uint8Array): CheckedPublicKey {
  // RFC 3279 §2.3.1: the parameters field MUST have ASN.1 type NULL.
  if (!params || params.tag !== 0x05 || params.end !== params.contentStart) return invalid("rsaEncryption parameters must be NULL (RFC 3279 §2.3.1)");
  let fields: Tlv[];
  try {
    fields = children(key, readRoot(key, 0x30));
  } catch (err) {
    return invalid(`the RSAPublicKey is not DER (${err instanceof DerError ? err.message : "malformed"})`);
  }
  if (fields.length !== 2) return invalid("the RSAPublicKey must hold exactly a modulus and an exponent (RFC 8017 §A.1.1)");
  const modulus = positiveInteger(key, fields[0], "the RSA modulus");
  const publicExponent = positiveInteger(key, fields[1], "the RSA public exponent");
  const bits = bitLength(modulus);
  if (bits < MIN_RSA_BITS) throw new PublicKeyError("weak_key", `RSA keys need at least 2048 bits (this one has ${bits})`);
  if (bits > MAX_RSA_BITS) throw new PublicKeyError("unsupported_key", `RSA keys above ${MAX_RSA_BITS} bits are refused (this one has ${bits})`);
  if (publicExponent < 3n || publicExponent >= modulus) return invalid("the RSA public exponent must lie between 3 and the modulus");
  return { type: "rsa", spkiDer, bits, keyAlgorithm: RSA_ALGORITHMS[bits], modulus, publicExponent };
}

function readEc(spkiDer: Uint8Array, params: Tlv | undefined, point: Uint8Array): CheckedPublicKey {
  // namedCurve is an OID; explicit parameters (a SEQUENCE) invite curve-substitution attacks (RFC 5480 §2.1.1: MUST NOT).
  if (!params || params.tag !== 0x06) throw new PublicKeyError("explicit_curve", "EC keys must name their curve (explicit or implicit parameters are refused)");
  const curveOid = oidToString(contentOf(spkiDer, params));
  const curve = CURVES[curveOid];
  if (!curve) throw new PublicKeyError("unsupported_key", `EC curve ${curveOid} is not accepted (P-256 or P-384)`);
  const problem = ecPointProblem(curve, point);
  if (problem) return invalid(problem);
  return { type: "ec", spkiDer, bits: curve.bytes * 8, keyAlgorithm: curve.name === "P-256" ? "ecdsa-p256" : "ecdsa-p384", curve: curve.name };
}

/**
 * Parses a DER SubjectPublicKeyInfo strictly and validates the key's mathematics: EC points on
 * P-256/P-384 and not the identity; RSA modulus and exponent well-formed and of a usable size.
 * Throws PublicKeyError. Weakness (BR §6.1.6 and known-weak classes) is `publicKeyWeakness`'s job.
 */
export function readPublicKey(spkiDer: Uint8Array): CheckedPublicKey {
  try {
    return readSpki(spkiDer);
  } catch (err) {
    if (err instanceof DerError) return invalid(`the SubjectPublicKeyInfo is not DER (${err.message})`);
    throw err;
  }
}

function readSpki(spkiDer: Uint8Array): CheckedPublicKey {
  const [algorithm, subjectPublicKey, ...extra] = children(spkiDer, readRoot(spkiDer, 0x30));
  if (!algorithm || algorithm.tag !== 0x30 || !subjectPublicKey || subjectPublicKey.tag !== 0x03 || extra.length) return invalid("not a SubjectPublicKeyInfo");
  const [oid, params, ...more] = children(spkiDer, algorithm);
  if (!oid || oid.tag !== 0x06 || more.length) return invalid("malformed key AlgorithmIdentifier");
  const algorithmOid = oidToString(contentOf(spkiDer, oid));
  const bitString = contentOf(spkiDer, subjectPublicKey);
  if (bitString.length < 1 || bitString[0] !== 0) return invalid("the subjectPublicKey BIT STRING has unused bits");
  const keyBits = bitString.subarray(1);
  if (algorithmOid === RSA_ENCRYPTION) return readRsa(spkiDer, params, keyBits);
  if (algorithmOid === EC_PUBLIC_KEY) return readEc(spkiDer, params, keyBits);
  throw new PublicKeyError("unsupported_key", `key algorithm ${algorithmOid} is not accepted (RSA, or ECDSA on P-256 or P-384)`);
}

/** Why a valid key must still not be certified or trusted (too small, known-weak), or undefined. */
export function publicKeyWeakness(key: CheckedPublicKey): string | undefined {
  return key.type === "rsa" ? rsaWeakness(key.modulus, key.publicExponent) : undefined;
}

/** readPublicKey, then refuse a weak key with code weak_key: what every path that certifies a key calls. */
export function checkPublicKey(spkiDer: Uint8Array): CheckedPublicKey {
  const key = readPublicKey(spkiDer);
  const weakness = publicKeyWeakness(key);
  if (weakness) throw new PublicKeyError("weak_key", weakness);
  return key;
}

/** The native key object, for verifying signatures: only for a key readPublicKey accepted. */
export function importPublicKey(key: CheckedPublicKey): KeyObject {
  return crypto.createPublicKey({ key: Buffer.from(key.spkiDer), format: "der", type: "spki" });
}
