// The one signing interface. Every CA, OCSP responder and plugin signature goes through a Signer;
// the software implementation holds a KeyObject, a PKCS#11 one would hold a token handle.
import crypto, { type KeyObject } from "node:crypto";
import { PublicKeyError, readPublicKey } from "./keys/check-public-key";

export const KEY_ALGORITHMS = ["ecdsa-p256", "ecdsa-p384", "rsa-2048", "rsa-3072", "rsa-4096"] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];
export type HashName = "sha256" | "sha384" | "sha512";

export const OID = {
  rsaEncryption: "1.2.840.113549.1.1.1",
  sha256WithRSAEncryption: "1.2.840.113549.1.1.11",
  sha384WithRSAEncryption: "1.2.840.113549.1.1.12",
  sha512WithRSAEncryption: "1.2.840.113549.1.1.13",
  ecPublicKey: "1.2.840.10045.2.1",
  ecdsaWithSHA256: "1.2.840.10045.4.3.2",
  ecdsaWithSHA384: "1.2.840.10045.4.3.3",
  ecdsaWithSHA512: "1.2.840.10045.4.3.4",
  secp256r1: "1.2.840.10045.3.1.7",
  secp384r1: "1.3.132.0.34",
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha384: "2.16.840.1.101.3.4.2.2",
  sha512: "2.16.840.1.101.3.4.2.3",
} as const;

/** The hash each X.509 signature algorithm we accept signs over (SHA-1 ones are absent on purpose). */
export const SIGNATURE_HASH: Readonly<Record<string, HashName>> = {
  [OID.sha256WithRSAEncryption]: "sha256",
  [OID.sha384WithRSAEncryption]: "sha384",
  [OID.sha512WithRSAEncryption]: "sha512",
  [OID.ecdsaWithSHA256]: "sha256",
  [OID.ecdsaWithSHA384]: "sha384",
  [OID.ecdsaWithSHA512]: "sha512",
};

export interface Signer {
  readonly algorithm: KeyAlgorithm;
  /** DER SubjectPublicKeyInfo of the key. */
  readonly publicKeySpki: Uint8Array;
  /**
   * Signs `data` with `hash`. Returns the signature as X.509/CMS carry it:
   * DER `ECDSA-Sig-Value` for ECDSA, the raw PKCS#1 v1.5 block for RSA.
   */
  sign(data: Uint8Array, hash: HashName): Promise<Uint8Array>;
  /**
   * The same signature over the concatenation of `parts`, hashed as they arrive. OpenPGP signs
   * hash(file ‖ trailer) (RFC 4880 §5.2.4), so a 100 MB bundle is either buffered for `sign` or
   * streamed here; a raw hash cannot be handed over because Node cannot sign a precomputed ECDSA digest.
   */
  signParts(parts: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, hash: HashName): Promise<Uint8Array>;
}

export function isRsa(algorithm: KeyAlgorithm): boolean {
  return algorithm.startsWith("rsa-");
}

/** The hash a key signs certificates, CRLs and OCSP responses with (matched to the key's strength). */
export function defaultHash(algorithm: KeyAlgorithm): HashName {
  return algorithm === "ecdsa-p384" ? "sha384" : "sha256";
}

/** The AlgorithmIdentifier OID for a signature by `algorithm` over `hash`. */
export function signatureAlgorithmOid(algorithm: KeyAlgorithm, hash: HashName): string {
  if (isRsa(algorithm)) {
    return { sha256: OID.sha256WithRSAEncryption, sha384: OID.sha384WithRSAEncryption, sha512: OID.sha512WithRSAEncryption }[hash];
  }
  return { sha256: OID.ecdsaWithSHA256, sha384: OID.ecdsaWithSHA384, sha512: OID.ecdsaWithSHA512 }[hash];
}

/** RSA signature AlgorithmIdentifiers carry an explicit NULL parameter (RFC 4055 §5); ECDSA ones carry none (RFC 5758 §3.2). */
export function signatureAlgorithmHasNullParams(algorithm: KeyAlgorithm): boolean {
  return isRsa(algorithm);
}

export function generateKeyPair(algorithm: KeyAlgorithm): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (algorithm) {
    case "ecdsa-p256":
      return crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    case "ecdsa-p384":
      return crypto.generateKeyPairSync("ec", { namedCurve: "secp384r1" });
    default:
      return crypto.generateKeyPairSync("rsa", { modulusLength: Number(algorithm.slice(4)), publicExponent: 0x10001 });
  }
}

export async function generateKeyPairAsync(algorithm: KeyAlgorithm): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, publicKey: KeyObject, privateKey: KeyObject) =>
      err ? reject(err) : resolve({ privateKey, publicKey });
    if (algorithm === "ecdsa-p256") crypto.generateKeyPair("ec", { namedCurve: "prime256v1" }, done);
    else if (algorithm === "ecdsa-p384") crypto.generateKeyPair("ec", { namedCurve: "secp384r1" }, done);
    else crypto.generateKeyPair("rsa", { modulusLength: Number(algorithm.slice(4)), publicExponent: 0x10001 }, done);
  });
}

/** Which of our algorithms a key (ours: generated or loaded by Signet) is, or undefined for anything else. */
export function keyAlgorithmOf(key: KeyObject): KeyAlgorithm | undefined {
  if (key.asymmetricKeyType !== "ec" && key.asymmetricKeyType !== "rsa") return undefined;
  try {
    return readPublicKey(spkiOf(key)).keyAlgorithm;
  } catch (err) {
    if (err instanceof PublicKeyError) return undefined;
    throw err;
  }
}

export function spkiOf(key: KeyObject): Uint8Array {
  const pub = key.type === "private" ? crypto.createPublicKey(key) : key;
  return new Uint8Array(pub.export({ type: "spki", format: "der" }));
}

/** A signer over a private key held in memory. The KeyObject is parsed once and reused. */
export function softwareSigner(privateKey: KeyObject, algorithm?: KeyAlgorithm): Signer {
  const resolved = algorithm ?? keyAlgorithmOf(crypto.createPublicKey(privateKey));
  if (!resolved) throw new Error("unsupported key type for signing");
  const publicKeySpki = spkiOf(privateKey);
  return {
    algorithm: resolved,
    publicKeySpki,
    async sign(data, hash) {
      // ECDSA: Node emits DER ECDSA-Sig-Value by default (dsaEncoding "der"); RSA: PKCS#1 v1.5.
      return new Uint8Array(crypto.sign(hash, data, privateKey));
    },
    async signParts(parts, hash) {
      // crypto.Sign streams the digest and then signs it exactly as crypto.sign does.
      const signing = crypto.createSign(hash);
      for await (const part of parts) signing.update(part);
      return new Uint8Array(signing.sign(privateKey));
    },
  };
}
