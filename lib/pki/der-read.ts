// A strict DER reader for the few places that need the exact bytes of a nested structure
// (a certificate's TBS, CMS signed attributes, an OCSP tbsResponseData): signatures cover the
// bytes as sent, so re-serializing a parsed object could verify something other than what was signed.

export type Tlv = {
  tag: number;
  /** Offset of the tag octet. */
  start: number;
  /** Offset of the first content octet. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
};

export class DerError extends Error {
  constructor(message: string) {
    super(`DER: ${message}`);
    this.name = "DerError";
  }
}

/** Reads one TLV at `offset`; only single-octet tags and definite, minimal lengths (X.690 §10.1). */
export function readTlv(der: Uint8Array, offset: number, limit = der.length): Tlv {
  if (offset + 2 > limit) throw new DerError("truncated header");
  const tag = der[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError("multi-octet tags are not used here");
  let pos = offset + 1;
  const first = der[pos++];
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const count = first & 0x7f;
    if (count === 0) throw new DerError("indefinite length is BER, not DER");
    if (count > 4) throw new DerError("length too large");
    if (pos + count > limit) throw new DerError("truncated length");
    if (der[pos] === 0) throw new DerError("non-minimal length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[pos++];
    if (length < 0x80) throw new DerError("non-minimal length");
  }
  const end = pos + length;
  if (end > limit) throw new DerError("content runs past its container");
  return { tag, start: offset, contentStart: pos, end };
}

/** The TLVs directly inside a constructed TLV, in order. */
export function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let pos = parent.contentStart; pos < parent.end; ) {
    const child = readTlv(der, pos, parent.end);
    out.push(child);
    pos = child.end;
  }
  return out;
}

/** Parses a whole buffer as exactly one TLV (no trailing bytes). */
export function readRoot(der: Uint8Array, expectTag?: number): Tlv {
  const root = readTlv(der, 0);
  if (root.end !== der.length) throw new DerError("trailing bytes after the outer structure");
  if (expectTag !== undefined && root.tag !== expectTag) throw new DerError(`expected tag 0x${expectTag.toString(16)}, got 0x${root.tag.toString(16)}`);
  return root;
}

export function bytesOf(der: Uint8Array, tlv: Tlv): Uint8Array {
  return der.subarray(tlv.start, tlv.end);
}

export function contentOf(der: Uint8Array, tlv: Tlv): Uint8Array {
  return der.subarray(tlv.contentStart, tlv.end);
}

/** The raw to-be-signed part and signature of any SIGNED{…} structure (certificate, CRL, OCSP basic response). */
export function splitSigned(der: Uint8Array): { tbs: Uint8Array; signatureAlgorithm: Uint8Array; signature: Uint8Array } {
  const root = readRoot(der, 0x30);
  const parts = children(der, root);
  if (parts.length < 3 || parts[0].tag !== 0x30 || parts[1].tag !== 0x30 || parts[2].tag !== 0x03) throw new DerError("not a SIGNED sequence");
  const bits = contentOf(der, parts[2]);
  if (bits.length < 1 || bits[0] !== 0) throw new DerError("signature BIT STRING has unused bits");
  return { tbs: bytesOf(der, parts[0]), signatureAlgorithm: bytesOf(der, parts[1]), signature: bits.subarray(1) };
}

/** Decodes an OBJECT IDENTIFIER's content octets to dotted form. */
export function oidToString(content: Uint8Array): string {
  if (content.length === 0) throw new DerError("empty OID");
  const arcs: bigint[] = [];
  let value = 0n;
  for (let i = 0; i < content.length; i++) {
    if (value === 0n && content[i] === 0x80) throw new DerError("non-minimal OID arc");
    value = (value << 7n) | BigInt(content[i] & 0x7f);
    if (!(content[i] & 0x80)) {
      arcs.push(value);
      value = 0n;
    } else if (i === content.length - 1) throw new DerError("truncated OID");
  }
  const first = arcs[0] < 80n ? arcs[0] / 40n : 2n;
  return [first, arcs[0] - first * 40n, ...arcs.slice(1)].join(".");
}
