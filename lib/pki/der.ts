// A minimal DER writer for the structures Signet encodes itself (CRLs, OCSP responses, TBS parts),
// where streaming or exact control matters more than a generic ASN.1 object model.
// Every function returns the complete TLV as a Buffer.

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8String: 0x0c,
  PrintableString: 0x13,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** The DER length octets for `length` (X.690 §8.1.3, definite form, minimal). */
export function lengthOctets(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** The header (tag + length) of a TLV whose content is `length` bytes long. */
export function header(tag: number, length: number): Buffer {
  return Buffer.concat([Buffer.from([tag]), lengthOctets(length)]);
}

export function tlv(tag: number, ...content: Uint8Array[]): Buffer {
  const body = content.length === 1 ? Buffer.from(content[0]) : Buffer.concat(content);
  return Buffer.concat([header(tag, body.length), body]);
}

export const sequence = (...items: Uint8Array[]): Buffer => tlv(TAG.SEQUENCE, ...items);
export const set = (...items: Uint8Array[]): Buffer => tlv(TAG.SET, ...items);
export const octetString = (bytes: Uint8Array): Buffer => tlv(TAG.OCTET_STRING, bytes);
export const nullValue = (): Buffer => Buffer.from([TAG.NULL, 0]);
export const boolean = (value: boolean): Buffer => Buffer.from([TAG.BOOLEAN, 1, value ? 0xff : 0]);
/** Context-specific tag [n], constructed (EXPLICIT wrapping). */
export const explicit = (n: number, ...content: Uint8Array[]): Buffer => tlv(0xa0 | n, ...content);
/** Context-specific tag [n], primitive (IMPLICIT on a primitive type). */
export const implicitPrimitive = (n: number, content: Uint8Array): Buffer => tlv(0x80 | n, content);

/** BIT STRING with zero unused bits. */
export function bitString(bytes: Uint8Array): Buffer {
  return tlv(TAG.BIT_STRING, Buffer.from([0]), bytes);
}

/** Minimal two's-complement content octets of a non-negative integer given as big-endian magnitude bytes. */
export function unsignedIntegerContent(magnitude: Uint8Array): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = Buffer.from(magnitude.subarray(start));
  if (trimmed.length === 0) return Buffer.from([0]);
  return trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
}

/** INTEGER from a non-negative big-endian magnitude (serial numbers). */
export function integerFromBytes(magnitude: Uint8Array): Buffer {
  return tlv(TAG.INTEGER, unsignedIntegerContent(magnitude));
}

export function integer(value: number | bigint): Buffer {
  let v = BigInt(value);
  if (v < 0n) throw new RangeError("negative INTEGER not supported");
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  return integerFromBytes(Buffer.from(bytes));
}

export function enumerated(value: number): Buffer {
  return tlv(TAG.ENUMERATED, integer(value).subarray(2));
}

const oidCache = new Map<string, Buffer>();
export function oid(dotted: string): Buffer {
  const cached = oidCache.get(dotted);
  if (cached) return cached;
  const arcs = dotted.split(".").map((a) => BigInt(a));
  if (arcs.length < 2) throw new Error(`bad OID ${dotted}`);
  const out: number[] = [];
  const push = (arc: bigint) => {
    const chunk: number[] = [Number(arc & 0x7fn)];
    for (arc >>= 7n; arc > 0n; arc >>= 7n) chunk.unshift(Number(arc & 0x7fn) | 0x80);
    out.push(...chunk);
  };
  push(arcs[0] * 40n + arcs[1]);
  for (const arc of arcs.slice(2)) push(arc);
  const encoded = tlv(TAG.OID, Buffer.from(out));
  oidCache.set(dotted, encoded);
  return encoded;
}

/** Drops milliseconds: pkijs-style fractional seconds make GnuTLS and python-cryptography reject a response. */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5), always whole seconds, always Z. */
export function time(date: Date): Buffer {
  const d = wholeSeconds(date);
  const y = d.getUTCFullYear();
  const rest = `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(TAG.UTCTime, Buffer.from(`${pad(y % 100)}${rest}`, "ascii"));
  return tlv(TAG.GeneralizedTime, Buffer.from(`${pad(y, 4)}${rest}`, "ascii"));
}

/** GeneralizedTime always (OCSP's producedAt/thisUpdate/nextUpdate, CRL invalidityDate), whole seconds. */
export function generalizedTime(date: Date): Buffer {
  const d = wholeSeconds(date);
  const s = `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
  return tlv(TAG.GeneralizedTime, Buffer.from(s, "ascii"));
}

/** AlgorithmIdentifier { algorithm, parameters NULL? }. */
export function algorithmIdentifier(algorithmOid: string, nullParams: boolean): Buffer {
  return nullParams ? sequence(oid(algorithmOid), nullValue()) : sequence(oid(algorithmOid));
}
