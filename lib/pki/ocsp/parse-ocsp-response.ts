// The parse side of OCSPResponse / BasicOCSPResponse, strict DER, for relying-party code (the
// `signet verify` path) and for tests that read what the responder wrote. Signature checking is
// the caller's: this only reads the structure.
import { TAG } from "../der";
import { REVOCATION_REASON_CODES, type RevocationReasonName } from "../crl/encode-crl";
import type { CertStatus } from "./basic-ocsp-response";
import { children, DerError, integerContent, oidValue, parseDer, type Tlv } from "./der-reader";
import { parseExtensions, OID_OCSP_NONCE } from "./extensions";
import { OCSP_RESPONSE_STATUS, OID_OCSP_BASIC, type OcspResponseStatusName } from "./ocsp-response";

export type ParsedSingleResponse = { certIdDer: Uint8Array; serial: Uint8Array; status: CertStatus; thisUpdate: Date; nextUpdate?: Date };

export type ParsedBasicResponse = {
  tbsDer: Uint8Array;
  responderKeyHash?: Uint8Array;
  responderNameDer?: Uint8Array;
  producedAt: Date;
  responses: ParsedSingleResponse[];
  nonce?: Uint8Array;
  signatureAlgorithm: string;
  signature: Uint8Array;
  certs: Uint8Array[];
};

export type ParsedOcspResponse = { status: OcspResponseStatusName; basic?: ParsedBasicResponse };

const REASON_BY_CODE = new Map<number, RevocationReasonName>(Object.entries(REVOCATION_REASON_CODES).map(([name, code]) => [code, name as RevocationReasonName]));
const STATUS_BY_CODE = new Map<number, OcspResponseStatusName>(Object.entries(OCSP_RESPONSE_STATUS).map(([name, code]) => [code, name as OcspResponseStatusName]));

/** GeneralizedTime as RFC 5280 §4.1.2.5.2 restricts it: YYYYMMDDHHMMSSZ, no fraction. */
export function generalizedTimeValue(tlv: Tlv): Date {
  const s = Buffer.from(tlv.content).toString("latin1");
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (tlv.tag !== TAG.GeneralizedTime || !m) throw new DerError("GeneralizedTime must be YYYYMMDDHHMMSSZ");
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) throw new DerError("invalid GeneralizedTime");
  return date;
}

function enumeratedValue(tlv: Tlv): number {
  const c = integerContent(tlv);
  if (c.length > 1 || c[0] & 0x80) throw new DerError("ENUMERATED out of range");
  return c[0];
}

function parseCertStatus(tlv: Tlv): CertStatus {
  if (tlv.tag === 0x80 || tlv.tag === 0x82) {
    if (tlv.content.length !== 0) throw new DerError("good/unknown carry NULL");
    return { kind: tlv.tag === 0x80 ? "good" : "unknown" };
  }
  if (tlv.tag !== 0xa1) throw new DerError("unknown CertStatus");
  const r = children(tlv);
  const revokedAt = generalizedTimeValue(r.next(TAG.GeneralizedTime, "revocationTime"));
  const reasonTlv = r.optional(0xa0, "revocationReason");
  let reason: RevocationReasonName | undefined;
  if (reasonTlv) {
    const inner = children(reasonTlv);
    reason = REASON_BY_CODE.get(enumeratedValue(inner.next(TAG.ENUMERATED, "CRLReason")));
    inner.end("revocationReason");
    if (!reason) throw new DerError("unknown CRLReason");
  }
  r.end("RevokedInfo");
  return { kind: "revoked", revokedAt, ...(reason ? { reason } : {}) };
}

function parseSingleResponse(tlv: Tlv): ParsedSingleResponse {
  const r = children(tlv);
  const certId = r.next(TAG.SEQUENCE, "certID");
  const id = children(certId);
  id.next(TAG.SEQUENCE, "hashAlgorithm");
  id.next(TAG.OCTET_STRING, "issuerNameHash");
  id.next(TAG.OCTET_STRING, "issuerKeyHash");
  const serial = integerContent(id.next(TAG.INTEGER, "serialNumber"));
  id.end("CertID");
  const statusTlv = r.next(r.peekTag() ?? 0, "certStatus");
  const thisUpdate = generalizedTimeValue(r.next(TAG.GeneralizedTime, "thisUpdate"));
  const next = r.optional(0xa0, "nextUpdate");
  const nextUpdate = next ? generalizedTimeValue(children(next).next(TAG.GeneralizedTime, "nextUpdate")) : undefined;
  if (r.optional(0xa1, "singleExtensions")) {
    /* read past: no single extensions are interpreted */
  }
  r.end("SingleResponse");
  return { certIdDer: certId.bytes, serial, status: parseCertStatus(statusTlv), thisUpdate, ...(nextUpdate ? { nextUpdate } : {}) };
}

function parseBasic(der: Uint8Array): ParsedBasicResponse {
  const r = children(parseDer(der, TAG.SEQUENCE));
  const tbs = r.next(TAG.SEQUENCE, "tbsResponseData");
  const t = children(tbs);
  if (t.optional(0xa0, "version")) throw new DerError("only v1 responses exist, and v1 is omitted");
  const responderTag = t.peekTag();
  if (responderTag !== 0xa1 && responderTag !== 0xa2) throw new DerError("bad responderID");
  const responder = children(t.next(responderTag, "responderID"));
  const responderValue = responder.next(responderTag === 0xa2 ? TAG.OCTET_STRING : TAG.SEQUENCE, "responderID");
  responder.end("responderID");
  const producedAt = generalizedTimeValue(t.next(TAG.GeneralizedTime, "producedAt"));
  const responses = children(t.next(TAG.SEQUENCE, "responses")).all(TAG.SEQUENCE, "SingleResponse", 64).map(parseSingleResponse);
  const extensions = t.optional(0xa1, "responseExtensions");
  const nonce = extensions ? parseExtensions(children(extensions).next(TAG.SEQUENCE, "Extensions")).get(OID_OCSP_NONCE)?.value : undefined;
  t.end("ResponseData");
  const signatureAlgorithm = oidValue(children(r.next(TAG.SEQUENCE, "signatureAlgorithm")).next(TAG.OID, "algorithm"));
  const signatureBits = r.next(TAG.BIT_STRING, "signature").content;
  if (signatureBits[0] !== 0) throw new DerError("signature has unused bits");
  const certsTlv = r.optional(0xa0, "certs");
  const certs = certsTlv ? children(children(certsTlv).next(TAG.SEQUENCE, "certs")).all(TAG.SEQUENCE, "certificate", 8).map((c) => c.bytes) : [];
  r.end("BasicOCSPResponse");
  return {
    tbsDer: tbs.bytes,
    ...(responderTag === 0xa2 ? { responderKeyHash: responderValue.content } : { responderNameDer: responderValue.bytes }),
    producedAt,
    responses,
    ...(nonce ? { nonce } : {}),
    signatureAlgorithm,
    signature: signatureBits.subarray(1),
    certs,
  };
}

export function parseOcspResponse(der: Uint8Array): ParsedOcspResponse {
  const r = children(parseDer(der, TAG.SEQUENCE));
  const status = STATUS_BY_CODE.get(enumeratedValue(r.next(TAG.ENUMERATED, "responseStatus")));
  if (!status) throw new DerError("unknown OCSPResponseStatus");
  const bytes = r.optional(0xa0, "responseBytes");
  r.end("OCSPResponse");
  if (status !== "successful") {
    if (bytes) throw new DerError("an error response carries no responseBytes");
    return { status };
  }
  if (!bytes) throw new DerError("a successful response carries responseBytes");
  const rb = children(children(bytes).next(TAG.SEQUENCE, "ResponseBytes"));
  if (oidValue(rb.next(TAG.OID, "responseType")) !== OID_OCSP_BASIC) throw new DerError("not a basic OCSP response");
  const basic = parseBasic(rb.next(TAG.OCTET_STRING, "response").content);
  rb.end("ResponseBytes");
  return { status, basic };
}
