// CertID (RFC 6960 §4.1.1): how a client names the certificate it asks about — a hash of its
// issuer's Name and key, and its serial. Both sides live here: the issuer hashes a responder
// precomputes, and the CertID a client builds.
import crypto from "node:crypto";
import { algorithmIdentifier, integerFromBytes, octetString, sequence, TAG } from "../der";
import { OID } from "../signer";
import { children, DerError, parseDer } from "./der-reader";

/** The CertID hash algorithms a responder must match: SHA-1 (RFC 5019 §2.1.1) and SHA-256 (RFC 9919 §2.1.1). */
export type CertIdHash = "sha1" | "sha256";
export const CERT_ID_HASHES: readonly CertIdHash[] = ["sha1", "sha256"];
export const CERT_ID_HASH_OID: Record<CertIdHash, string> = { sha1: OID.sha1, sha256: OID.sha256 };
export const CERT_ID_HASH_LENGTH: Record<CertIdHash, number> = { sha1: 20, sha256: 32 };

export function certIdHashOf(oid: string): CertIdHash | undefined {
  return oid === OID.sha1 ? "sha1" : oid === OID.sha256 ? "sha256" : undefined;
}

export type IssuerHashes = { issuerNameHash: Uint8Array; issuerKeyHash: Uint8Array };

/** The subjectPublicKey BIT STRING value (without the unused-bits octet) of a DER SubjectPublicKeyInfo. */
export function subjectPublicKeyBits(spkiDer: Uint8Array): Uint8Array {
  const spki = children(parseDer(spkiDer, TAG.SEQUENCE));
  spki.next(TAG.SEQUENCE, "algorithm");
  const bits = spki.next(TAG.BIT_STRING, "subjectPublicKey");
  spki.end("SubjectPublicKeyInfo");
  if (bits.content.length < 2 || bits.content[0] !== 0) throw new DerError("a public key BIT STRING has no unused bits");
  return bits.content.subarray(1);
}

/**
 * issuerNameHash is over the issuer's DER Name; issuerKeyHash over the value of its
 * subjectPublicKey BIT STRING, tag, length and unused-bits octet excluded (RFC 6960 §4.1.1).
 */
export function issuerHashes(issuerNameDer: Uint8Array, issuerSpkiDer: Uint8Array, hash: CertIdHash): IssuerHashes {
  const keyBits = subjectPublicKeyBits(issuerSpkiDer);
  return {
    issuerNameHash: new Uint8Array(crypto.createHash(hash).update(issuerNameDer).digest()),
    issuerKeyHash: new Uint8Array(crypto.createHash(hash).update(keyBits).digest()),
  };
}

/** Encodes a CertID the way OpenSSL does (hash AlgorithmIdentifier with NULL parameters). */
export function encodeCertId(input: { hash: CertIdHash; issuerNameDer: Uint8Array; issuerSpkiDer: Uint8Array; serial: Uint8Array }): Buffer {
  const { issuerNameHash, issuerKeyHash } = issuerHashes(input.issuerNameDer, input.issuerSpkiDer, input.hash);
  return sequence(algorithmIdentifier(CERT_ID_HASH_OID[input.hash], true), octetString(issuerNameHash), octetString(issuerKeyHash), integerFromBytes(input.serial));
}
