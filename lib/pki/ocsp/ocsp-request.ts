// OCSPRequest (RFC 6960 §4.1.1), parsed strictly from untrusted bytes. Each CertID is kept as
// the exact DER the client sent: the response echoes it (§4.2.1), so clients that compare CertIDs
// byte for byte, or by their own hash algorithm, find their answer.
import { explicit, octetString, oid, sequence, TAG } from "../der";
import { assertDerTree, children, DerError, integerContent, nullValue, oidValue, parseDer, smallInteger, type Tlv } from "./der-reader";
import { CERT_ID_HASH_LENGTH, certIdHashOf, type CertIdHash } from "./cert-id";
import { checkNonce, OID_OCSP_NONCE, parseExtensions } from "./extensions";

/** Requests are a few hundred bytes; 10 KiB leaves room for a signed one with a certificate chain. */
export const OCSP_REQUEST_MAX_BYTES = 10 * 1024;
/** RFC 5019 §2.1.1 clients send one; a few more are tolerated, not a bulk interface. */
export const OCSP_MAX_CERT_IDS = 16;
const MAX_SERIAL_OCTETS = 32;
const MAX_FOREIGN_HASH_OCTETS = 64;

export type RequestedCertId = {
  der: Uint8Array;
  hashOid: string;
  /** Undefined for a hash algorithm Signet does not match (the issuer cannot be identified). */
  hash: CertIdHash | undefined;
  /** Whether the hash AlgorithmIdentifier carried NULL parameters (OpenSSL) or none. */
  nullParams: boolean;
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  /** INTEGER content octets of the serial, as sent (may be negative for a hostile client). */
  serial: Uint8Array;
};

export type OcspRequest = { certIds: RequestedCertId[]; nonce?: Uint8Array };

export class OcspRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OcspRequestError";
  }
}

function parseCertId(tlv: Tlv): RequestedCertId {
  const r = children(tlv);
  const alg = children(r.next(TAG.SEQUENCE, "hashAlgorithm"));
  const hashOid = oidValue(alg.next(TAG.OID, "hash algorithm"));
  const params = alg.optional(TAG.NULL, "parameters");
  if (params) nullValue(params);
  alg.end("hashAlgorithm");
  const hash = certIdHashOf(hashOid);
  const issuerNameHash = r.next(TAG.OCTET_STRING, "issuerNameHash").content;
  const issuerKeyHash = r.next(TAG.OCTET_STRING, "issuerKeyHash").content;
  const serial = integerContent(r.next(TAG.INTEGER, "serialNumber"));
  r.end("CertID");
  for (const h of [issuerNameHash, issuerKeyHash]) {
    if (hash ? h.length !== CERT_ID_HASH_LENGTH[hash] : h.length < 1 || h.length > MAX_FOREIGN_HASH_OCTETS) throw new DerError("issuer hash has the wrong length");
  }
  if (serial.length > MAX_SERIAL_OCTETS) throw new DerError("serial number too long");
  return { der: tlv.bytes, hashOid, hash, nullParams: Boolean(params), issuerNameHash, issuerKeyHash, serial };
}

function rejectUnknownCritical(extensions: Map<string, { critical: boolean }>, known: string[]): void {
  for (const [id, ext] of extensions) {
    // RFC 5280 §4.2 semantics: an unrecognized critical extension means the request cannot be honoured.
    if (ext.critical && !known.includes(id)) throw new DerError(`unsupported critical extension ${id}`);
  }
}

function parseRequest(tlv: Tlv): RequestedCertId {
  const r = children(tlv);
  const certId = parseCertId(r.next(TAG.SEQUENCE, "reqCert"));
  const single = r.optional(0xa0, "singleRequestExtensions");
  if (single) {
    const inner = children(single);
    rejectUnknownCritical(parseExtensions(inner.next(TAG.SEQUENCE, "Extensions")), []);
    inner.end("singleRequestExtensions");
  }
  r.end("Request");
  return certId;
}

function parseTbsRequest(tlv: Tlv): OcspRequest {
  const r = children(tlv);
  const version = r.optional(0xa0, "version");
  if (version) {
    const v = children(version);
    const value = smallInteger(v.next(TAG.INTEGER, "version"));
    v.end("version");
    // v1 is the DEFAULT and so absent in DER (X.690 §11.5); no other version exists.
    throw new DerError(value === 0 ? "version v1 must be omitted" : `unknown OCSP request version ${value}`);
  }
  const requestor = r.optional(0xa1, "requestorName");
  if (requestor) assertDerTree(requestor);
  const list = children(r.next(TAG.SEQUENCE, "requestList")).all(TAG.SEQUENCE, "requests", OCSP_MAX_CERT_IDS);
  if (list.length === 0) throw new DerError("empty requestList");
  const certIds = list.map(parseRequest);
  let nonce: Uint8Array | undefined;
  const extensionsTlv = r.optional(0xa2, "requestExtensions");
  if (extensionsTlv) {
    const inner = children(extensionsTlv);
    const extensions = parseExtensions(inner.next(TAG.SEQUENCE, "Extensions"));
    inner.end("requestExtensions");
    rejectUnknownCritical(extensions, [OID_OCSP_NONCE]);
    const nonceExt = extensions.get(OID_OCSP_NONCE);
    if (nonceExt) nonce = checkNonce(nonceExt.value);
  }
  r.end("TBSRequest");
  return { certIds, nonce };
}

/** Parses a DER OCSPRequest; any deviation from DER or from the syntax throws OcspRequestError. */
export function parseOcspRequest(der: Uint8Array): OcspRequest {
  try {
    if (der.length === 0) throw new DerError("empty request");
    if (der.length > OCSP_REQUEST_MAX_BYTES) throw new DerError("request too large");
    const r = children(parseDer(der, TAG.SEQUENCE));
    const request = parseTbsRequest(r.next(TAG.SEQUENCE, "tbsRequest"));
    // The signature is optional and not required by this responder (every answer is public);
    // it must still be well-formed DER.
    const signature = r.optional(0xa0, "optionalSignature");
    if (signature) assertDerTree(signature);
    r.end("OCSPRequest");
    return request;
  } catch (err) {
    if (err instanceof DerError) throw new OcspRequestError(err.message);
    throw err;
  }
}

/** An unsigned OCSPRequest for the given CertIDs (what a client, the CLI or a test sends). */
export function encodeOcspRequest(certIds: Uint8Array[], nonce?: Uint8Array): Buffer {
  const tbs: Uint8Array[] = [sequence(...certIds.map((id) => sequence(id)))];
  // extnValue is an OCTET STRING wrapping the Nonce OCTET STRING (RFC 9654 §2.1).
  if (nonce) tbs.push(explicit(2, sequence(sequence(oid(OID_OCSP_NONCE), octetString(octetString(nonce))))));
  return sequence(sequence(...tbs));
}
