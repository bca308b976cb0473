// BasicOCSPResponse (RFC 6960 §4.2.1), encoded with our DER writer. Deterministic: times, the
// responder key hash and the signer come in, bytes come out.
import { algorithmIdentifier, enumerated, explicit, generalizedTime, implicitPrimitive, octetString, sequence, tlv, TAG } from "../der";
import { REVOCATION_REASON_CODES, type RevocationReasonName } from "../crl/encode-crl";
import { defaultHash, signatureAlgorithmHasNullParams, signatureAlgorithmOid, type HashName, type Signer } from "../signer";
import { nonceResponseExtensions } from "./extensions";

export type CertStatus = { kind: "good" } | { kind: "revoked"; revokedAt: Date; reason?: RevocationReasonName } | { kind: "unknown" };

export type SingleResponseInput = {
  /** The CertID exactly as the request carried it. */
  certIdDer: Uint8Array;
  status: CertStatus;
  thisUpdate: Date;
  nextUpdate: Date;
};

export type BasicOcspResponseInput = {
  /** SHA-1 of the responder's subjectPublicKey bits: ResponderID byKey (RFC 6960 §4.2.2.3). */
  responderKeyHash: Uint8Array;
  producedAt: Date;
  responses: SingleResponseInput[];
  /** The request's nonce extnValue, echoed unchanged (RFC 9654 §2.1). */
  nonce?: Uint8Array;
  /** The delegated responder certificate, so clients can check the signer (§4.2.2.2). */
  certs: Uint8Array[];
  signer: Signer;
  hash?: HashName;
};

export class OcspResponseInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OcspResponseInputError";
  }
}

function encodeCertStatus(status: CertStatus): Buffer {
  switch (status.kind) {
    case "good":
      return implicitPrimitive(0, new Uint8Array());
    case "unknown":
      return implicitPrimitive(2, new Uint8Array());
    case "revoked": {
      // RevokedInfo [1] IMPLICIT; as in the CRL (RFC 5280 §5.3.1), "unspecified" is expressed by omission.
      const reason = status.reason && status.reason !== "unspecified" ? [explicit(0, enumerated(REVOCATION_REASON_CODES[status.reason]))] : [];
      return tlv(0xa1, generalizedTime(status.revokedAt), ...reason);
    }
  }
}

function encodeSingleResponse(single: SingleResponseInput): Buffer {
  if (single.nextUpdate.getTime() <= single.thisUpdate.getTime()) throw new OcspResponseInputError("nextUpdate must follow thisUpdate");
  return sequence(single.certIdDer, encodeCertStatus(single.status), generalizedTime(single.thisUpdate), explicit(0, generalizedTime(single.nextUpdate)));
}

export function encodeResponseData(input: Omit<BasicOcspResponseInput, "signer" | "certs" | "hash">): Buffer {
  if (input.responses.length === 0) throw new OcspResponseInputError("a response answers at least one CertID");
  if (input.responderKeyHash.length !== 20) throw new OcspResponseInputError("the responder key hash is a SHA-1 digest");
  // version v1 is the DEFAULT and therefore omitted; responderID byKey is [2] EXPLICIT KeyHash.
  const parts = [explicit(2, octetString(input.responderKeyHash)), generalizedTime(input.producedAt), sequence(...input.responses.map(encodeSingleResponse))];
  if (input.nonce) parts.push(nonceResponseExtensions(input.nonce));
  return sequence(...parts);
}

export async function encodeBasicOcspResponse(input: BasicOcspResponseInput): Promise<Buffer> {
  const hash = input.hash ?? defaultHash(input.signer.algorithm);
  const tbs = encodeResponseData(input);
  const signatureAlgorithm = algorithmIdentifier(signatureAlgorithmOid(input.signer.algorithm, hash), signatureAlgorithmHasNullParams(input.signer.algorithm));
  const signature = await input.signer.sign(tbs, hash);
  const parts = [tbs, signatureAlgorithm, tlv(TAG.BIT_STRING, Buffer.from([0]), signature)];
  if (input.certs.length) parts.push(explicit(0, sequence(...input.certs)));
  return sequence(...parts);
}
