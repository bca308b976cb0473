// The DER rules a byte-for-byte re-encoding cannot catch, because the ASN.1 library writes SET OF
// elements in the order it read them and keeps whatever AlgorithmIdentifier parameters arrived.
import { children, contentOf, oidToString, readRoot, type Tlv } from "../der-read";

const ECDSA_SIGNATURES = new Set(["1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4"]);
const RSA_SIGNATURES = new Set(["1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12", "1.2.840.113549.1.1.13"]);

/** X.690 §11.6: octet-string comparison with the shorter one padded with trailing zero octets. */
function derOrder(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x - y;
  }
  return 0;
}

function firstUnsorted(der: Uint8Array, set: Tlv): boolean {
  const items = children(der, set).map((t) => der.subarray(t.start, t.end));
  return items.some((item, i) => i > 0 && derOrder(items[i - 1], item) > 0);
}

/**
 * Names the first SET OF whose elements are out of DER order in a CSR, or undefined: the
 * attributes ([0] IMPLICIT SET OF Attribute), each attribute's values, and every RDN of the subject.
 */
export function unsortedSet(der: Uint8Array): string | undefined {
  const [info] = children(der, readRoot(der, 0x30));
  const fields = children(der, info);
  const subject = fields[1];
  for (const rdn of children(der, subject)) if (firstUnsorted(der, rdn)) return "a multi-valued RDN of the subject is not sorted";
  const attributes = fields[3];
  if (!attributes || attributes.tag !== 0xa0) return undefined;
  if (firstUnsorted(der, attributes)) return "the attributes are not sorted";
  for (const attribute of children(der, attributes)) {
    const [type, values] = children(der, attribute);
    if (values && values.tag === 0x31 && firstUnsorted(der, values)) return `the values of attribute ${oidToString(contentOf(der, type))} are not sorted`;
  }
  return undefined;
}

/**
 * Why the CSR's signatureAlgorithm does not fit its key, or undefined: RSA keys sign with
 * sha*WithRSAEncryption whose parameters are NULL (RFC 4055 §5, RFC 3279 §2.2.1); ECDSA keys with
 * ecdsa-with-SHA* whose parameters are absent (RFC 5758 §3.2).
 */
export function signatureAlgorithmProblem(der: Uint8Array, keyType: "rsa" | "ec"): string | undefined {
  const [, algorithm] = children(der, readRoot(der, 0x30));
  const [oid, params, ...extra] = children(der, algorithm);
  const name = oidToString(contentOf(der, oid));
  if (keyType === "rsa") {
    if (!RSA_SIGNATURES.has(name)) return `signatureAlgorithm ${name} is not an RSA PKCS#1 v1.5 algorithm, but the key is RSA`;
    if (!params || params.tag !== 0x05 || params.end !== params.contentStart || extra.length) return "signatureAlgorithm: RSA signature parameters must be NULL (RFC 4055 §5)";
    return undefined;
  }
  if (!ECDSA_SIGNATURES.has(name)) return `signatureAlgorithm ${name} is not an ECDSA algorithm, but the key is ECDSA`;
  if (params) return "signatureAlgorithm: ECDSA signature parameters must be absent (RFC 5758 §3.2)";
  return undefined;
}
