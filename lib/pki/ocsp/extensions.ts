// Extensions as OCSP carries them (RFC 6960 §4.4, syntax of RFC 5280 §4.1): parsed strictly, and
// the nonce (RFC 8954) encoded for responses.
import { explicit, octetString, oid, sequence, TAG } from "../der";
import { booleanValue, children, DerError, oidValue, type Tlv } from "./der-reader";

export const OID_OCSP_NONCE = "1.3.6.1.5.5.7.48.1.2";
/**
 * RFC 8954 §2.1: a nonce is 1 to 32 octets; anything else is a malformedRequest. RFC 9654 later
 * lets responders accept up to 128, but only as an option ("MAY"): a longer nonce buys a client
 * nothing against replay and costs the responder a fresh signature per request, so Signet keeps
 * the stricter bound every conforming client already meets.
 */
export const NONCE_MAX_OCTETS = 32;
const MAX_EXTENSIONS = 8;

export type ParsedExtension = { critical: boolean; value: Uint8Array };

/** Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension; each extnID at most once. */
export function parseExtensions(tlv: Tlv): Map<string, ParsedExtension> {
  const out = new Map<string, ParsedExtension>();
  const list = children(tlv).all(TAG.SEQUENCE, "extension", MAX_EXTENSIONS);
  if (list.length === 0) throw new DerError("empty Extensions");
  for (const ext of list) {
    const r = children(ext);
    const id = oidValue(r.next(TAG.OID, "extnID"));
    const criticalTlv = r.optional(TAG.BOOLEAN, "critical");
    const critical = criticalTlv ? booleanValue(criticalTlv) : false;
    // DER omits a value equal to its DEFAULT (X.690 §11.5): an explicit FALSE is BER.
    if (criticalTlv && !critical) throw new DerError("critical FALSE must be omitted");
    const value = r.next(TAG.OCTET_STRING, "extnValue").content;
    r.end("Extension");
    if (out.has(id)) throw new DerError(`extension ${id} appears twice`);
    out.set(id, { critical, value });
  }
  return out;
}

/** The nonce's extnValue, checked to be a DER OCTET STRING of 1–128 octets. */
export function checkNonce(extnValue: Uint8Array): Uint8Array {
  const r = children({ tag: TAG.SEQUENCE, bytes: extnValue, content: extnValue });
  const nonce = r.next(TAG.OCTET_STRING, "nonce");
  r.end("nonce");
  if (nonce.content.length < 1 || nonce.content.length > NONCE_MAX_OCTETS) throw new DerError(`a nonce is 1 to ${NONCE_MAX_OCTETS} octets`);
  return extnValue;
}

/** responseExtensions [1] EXPLICIT carrying the nonce exactly as the request sent it. */
export function nonceResponseExtensions(extnValue: Uint8Array): Buffer {
  return explicit(1, sequence(sequence(oid(OID_OCSP_NONCE), octetString(extnValue))));
}
