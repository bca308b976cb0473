// CSRs from outside: capped before parsing, strict DER, proof of possession, acceptable keys only.
// What the CSR asks for beyond its key is reported (for the operator) and never issued.
import crypto from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificationRequest } from "@peculiar/asn1-csr";
import { Extensions } from "@peculiar/asn1-x509";
import { nameToString } from "../certificate/names";
import { DerError } from "../der-read";
import { readPublicKey, publicKeyWeakness, importPublicKey, PublicKeyError, type CheckedPublicKey } from "../keys/check-public-key";
import { SIGNATURE_HASH, type KeyAlgorithm } from "../signer";
import { describeExtension } from "./describe-extension";
import { signatureAlgorithmProblem, unsortedSet } from "./strict-der";

export type CsrErrorCode =
  | "too_large"
  | "not_a_csr"
  | "not_der"
  | "unsupported_version"
  | "bad_signature"
  | "weak_signature_algorithm"
  | "signature_algorithm_mismatch"
  | "invalid_key"
  | "unsupported_key"
  | "weak_key"
  | "explicit_curve";

export class CsrError extends Error {
  constructor(
    readonly code: CsrErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "CsrError";
  }
}

export type RequestedExtension = { oid: string; name: string; critical: boolean; summary: string };

export type ParsedCsr = {
  der: Uint8Array;
  subject: string;
  publicKeySpki: Uint8Array;
  keyAlgorithm: KeyAlgorithm;
  keySize: number;
  fingerprintSha256: string;
  requestedExtensions: RequestedExtension[];
};

const EXTENSION_REQUEST = "1.2.840.113549.1.9.14";

const SHA1_SIGNATURES = new Set(["1.2.840.113549.1.1.5", "1.2.840.10045.4.1"]);

function decode(input: string | Uint8Array, maxBytes: number): Uint8Array {
  if (typeof input !== "string") {
    if (input.length > maxBytes) throw new CsrError("too_large", `larger than ${maxBytes} bytes`);
    return input;
  }
  if (input.length > maxBytes * 2) throw new CsrError("too_large", `larger than ${maxBytes} bytes`);
  const match = /-----BEGIN (NEW )?CERTIFICATE REQUEST-----([\s\S]*?)-----END (NEW )?CERTIFICATE REQUEST-----/.exec(input);
  if (!match) throw new CsrError("not_a_csr", "expected a PEM block 'BEGIN CERTIFICATE REQUEST'");
  const body = match[2].replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new CsrError("not_a_csr", "the PEM body is not base64");
  const der = new Uint8Array(Buffer.from(body, "base64"));
  if (der.length > maxBytes) throw new CsrError("too_large", `larger than ${maxBytes} bytes`);
  return der;
}

export function parseCsr(input: string | Uint8Array, { maxBytes = 64 * 1024 }: { maxBytes?: number } = {}): ParsedCsr {
  const der = decode(input, maxBytes);
  let csr: CertificationRequest;
  try {
    csr = AsnConvert.parse(der, CertificationRequest);
  } catch {
    throw new CsrError("not_a_csr", "not a PKCS#10 certification request (truncated or malformed)");
  }
  // Strict DER: the canonical re-encoding must be byte-identical (rejects BER lengths, trailing bytes).
  // A value the parser took but cannot write back (e.g. a malformed OID) is no more a CSR.
  let canonical: Uint8Array;
  try {
    canonical = new Uint8Array(AsnConvert.serialize(csr));
  } catch {
    throw new CsrError("not_a_csr", "not a PKCS#10 certification request (a field cannot be read back)");
  }
  if (!Buffer.from(canonical).equals(Buffer.from(der))) throw new CsrError("not_der", "not DER-encoded (BER forms or trailing bytes)");

  // RFC 2986 §4.1: version is v1, INTEGER 0; nothing else is defined.
  const info = csr.certificationRequestInfo;
  if (info.version !== 0) throw new CsrError("unsupported_version", `version must be 0 (PKCS#10 v1), not ${info.version}`);
  const unsorted = strictly(() => unsortedSet(der));
  if (unsorted) throw new CsrError("not_der", `not DER-encoded: ${unsorted} (X.690 §11.6: SET OF elements are sorted)`);

  // The key is validated before anything native touches it: verifying the signature imports it.
  const spkiDer = new Uint8Array(AsnConvert.serialize(info.subjectPKInfo));
  const key = acceptableKey(spkiDer);

  const sigOid = csr.signatureAlgorithm.algorithm;
  if (SHA1_SIGNATURES.has(sigOid)) throw new CsrError("weak_signature_algorithm", "SHA-1 signatures are refused");
  const hash = SIGNATURE_HASH[sigOid];
  if (!hash) throw new CsrError("weak_signature_algorithm", `unsupported signature algorithm ${sigOid}`);
  const mismatch = strictly(() => signatureAlgorithmProblem(der, key.type));
  if (mismatch) throw new CsrError("signature_algorithm_mismatch", mismatch);
  const criDer = new Uint8Array(AsnConvert.serialize(info));
  const ok = crypto.verify(hash, criDer, importPublicKey(key), new Uint8Array(csr.signature));
  if (!ok) throw new CsrError("bad_signature", "the signature does not verify with the CSR's own key (no proof of possession)");

  return {
    der,
    subject: nameToString(info.subject),
    publicKeySpki: spkiDer,
    keyAlgorithm: key.keyAlgorithm!,
    keySize: key.bits,
    fingerprintSha256: crypto.createHash("sha256").update(spkiDer).digest("hex"),
    requestedExtensions: requestedExtensions(csr),
  };
}

function strictly<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof DerError) throw new CsrError("not_der", `not DER-encoded (${err.message})`);
    throw err;
  }
}

const ACCEPTED_KEYS = "RSA of 2048, 3072 or 4096 bits, or ECDSA on P-256 or P-384";

/** The CSR's key, valid, of a kind some profile certifies, and not weak; the refusal names the field. */
function acceptableKey(spkiDer: Uint8Array): CheckedPublicKey & { keyAlgorithm: KeyAlgorithm } {
  let key: CheckedPublicKey;
  try {
    key = readPublicKey(spkiDer);
  } catch (err) {
    if (err instanceof PublicKeyError) throw new CsrError(err.code, `subjectPublicKeyInfo: ${err.message}`);
    throw err;
  }
  // Exactly the sizes the certificate profiles allow, so that whatever is accepted here can be approved.
  if (!key.keyAlgorithm) {
    if (key.bits < 2048) throw new CsrError("weak_key", `subjectPublicKeyInfo: RSA keys need at least 2048 bits (this one has ${key.bits})`);
    throw new CsrError("unsupported_key", `subjectPublicKeyInfo: an RSA key of ${key.bits} bits is not accepted (${ACCEPTED_KEYS})`);
  }
  const weakness = publicKeyWeakness(key);
  if (weakness) throw new CsrError("weak_key", `subjectPublicKeyInfo: ${weakness}`);
  return key as CheckedPublicKey & { keyAlgorithm: KeyAlgorithm };
}

function requestedExtensions(csr: CertificationRequest): RequestedExtension[] {
  const out: RequestedExtension[] = [];
  for (const attribute of csr.certificationRequestInfo.attributes) {
    if (attribute.type !== EXTENSION_REQUEST) continue;
    for (const value of attribute.values) {
      let extensions: Extensions;
      try {
        extensions = AsnConvert.parse(value, Extensions);
      } catch {
        throw new CsrError("not_a_csr", "the extensionRequest attribute is malformed");
      }
      for (const e of extensions) out.push({ oid: e.extnID, critical: Boolean(e.critical), ...describeExtension(e) });
    }
  }
  return out;
}
