// CSRs from outside: capped before parsing, strict DER, proof of possession, acceptable keys only.
// What the CSR asks for beyond its key is reported (for the operator) and never issued.
import crypto from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificationRequest } from "@peculiar/asn1-csr";
import { Extensions, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { nameToString } from "../certificate/names";
import { OID, SIGNATURE_HASH, type KeyAlgorithm } from "../signer";
import { describeExtension } from "./describe-extension";

export type CsrErrorCode = "too_large" | "not_a_csr" | "not_der" | "bad_signature" | "weak_signature_algorithm" | "unsupported_key" | "weak_key" | "explicit_curve";

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
const MAX_RSA_BITS = 8192;

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

  const info = csr.certificationRequestInfo;
  const spkiDer = new Uint8Array(AsnConvert.serialize(info.subjectPKInfo));
  const { keyAlgorithm, keySize, publicKey } = checkKey(info.subjectPKInfo, spkiDer);

  const sigOid = csr.signatureAlgorithm.algorithm;
  if (SHA1_SIGNATURES.has(sigOid)) throw new CsrError("weak_signature_algorithm", "SHA-1 signatures are refused");
  const hash = SIGNATURE_HASH[sigOid];
  if (!hash) throw new CsrError("weak_signature_algorithm", `unsupported signature algorithm ${sigOid}`);
  const criDer = new Uint8Array(AsnConvert.serialize(info));
  const ok = crypto.verify(hash, criDer, publicKey, new Uint8Array(csr.signature));
  if (!ok) throw new CsrError("bad_signature", "the signature does not verify with the CSR's own key (no proof of possession)");

  return {
    der,
    subject: nameToString(info.subject),
    publicKeySpki: spkiDer,
    keyAlgorithm,
    keySize,
    fingerprintSha256: crypto.createHash("sha256").update(spkiDer).digest("hex"),
    requestedExtensions: requestedExtensions(csr),
  };
}

function checkKey(spki: SubjectPublicKeyInfo, spkiDer: Uint8Array): { keyAlgorithm: KeyAlgorithm; keySize: number; publicKey: crypto.KeyObject } {
  const algorithm = spki.algorithm.algorithm;
  if (algorithm === OID.ecPublicKey) {
    const params = spki.algorithm.parameters ? new Uint8Array(spki.algorithm.parameters) : undefined;
    // namedCurve is an OID (tag 0x06); explicit parameters (a SEQUENCE) invite curve-substitution attacks.
    if (!params || params[0] !== 0x06) throw new CsrError("explicit_curve", "EC keys must name their curve (explicit parameters are refused)");
  } else if (algorithm !== OID.rsaEncryption) {
    throw new CsrError("unsupported_key", "only RSA and ECDSA (P-256, P-384) keys are accepted");
  }
  let publicKey: crypto.KeyObject;
  try {
    publicKey = crypto.createPublicKey({ key: Buffer.from(spkiDer), format: "der", type: "spki" });
  } catch {
    throw new CsrError("unsupported_key", "the public key cannot be read");
  }
  const d = publicKey.asymmetricKeyDetails ?? {};
  if (publicKey.asymmetricKeyType === "rsa") {
    const bits = d.modulusLength ?? 0;
    if (bits < 2048) throw new CsrError("weak_key", `RSA keys need at least 2048 bits (this one has ${bits})`);
    if (bits > MAX_RSA_BITS) throw new CsrError("unsupported_key", `RSA keys above ${MAX_RSA_BITS} bits are refused`);
    const e = d.publicExponent ?? 0n;
    if (e < 65537n || e % 2n === 0n) throw new CsrError("weak_key", "the RSA public exponent must be odd and at least 65537");
    const family: KeyAlgorithm = bits >= 4096 ? "rsa-4096" : bits >= 3072 ? "rsa-3072" : "rsa-2048";
    return { keyAlgorithm: family, keySize: bits, publicKey };
  }
  if (publicKey.asymmetricKeyType === "ec") {
    if (d.namedCurve === "prime256v1") return { keyAlgorithm: "ecdsa-p256", keySize: 256, publicKey };
    if (d.namedCurve === "secp384r1") return { keyAlgorithm: "ecdsa-p384", keySize: 384, publicKey };
    throw new CsrError("unsupported_key", `EC curve ${d.namedCurve ?? "unknown"} is not accepted (P-256 or P-384)`);
  }
  throw new CsrError("unsupported_key", "only RSA and ECDSA (P-256, P-384) keys are accepted");
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
