// A strict DER reader for what Signet parses from strangers (OCSP requests). X.690 §10 (DER) only:
// definite, minimal lengths; low-tag-number form; minimal INTEGERs and OID arcs; BOOLEAN 00/FF.
// Anything else is an error, never a guess: BER's laxity is where parser differentials live.

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DerError";
  }
}

export type Tlv = {
  tag: number;
  /** The whole TLV (header and content). */
  bytes: Uint8Array;
  content: Uint8Array;
};

const fail = (message: string): never => {
  throw new DerError(message);
};

/** Reads one TLV at `offset`; it must end at or before `end`. */
export function readTlv(buf: Uint8Array, offset: number, end = buf.length): Tlv {
  if (offset + 2 > end) fail("truncated header");
  const tag = buf[offset];
  // Tag numbers ≥ 31 need the high-tag-number form, which no structure we read uses.
  if ((tag & 0x1f) === 0x1f) fail("high-tag-number form is not used here");
  let length = buf[offset + 1];
  let headerLength = 2;
  if (length === 0x80) fail("indefinite length is BER, not DER");
  if (length > 0x80) {
    const count = length & 0x7f;
    if (count > 3) fail("length too large");
    if (offset + 2 + count > end) fail("truncated length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[offset + 2 + i];
    // X.690 §10.1: the minimum number of octets; long form only from 128 up.
    if (buf[offset + 2] === 0 || length < 0x80) fail("non-minimal length");
    headerLength += count;
  }
  const contentStart = offset + headerLength;
  if (contentStart + length > end) fail("content runs past its container");
  return { tag, bytes: buf.subarray(offset, contentStart + length), content: buf.subarray(contentStart, contentStart + length) };
}

/** Parses a whole buffer as exactly one TLV with tag `tag`: trailing bytes are an error. */
export function parseDer(buf: Uint8Array, tag: number): Tlv {
  const tlv = readTlv(buf, 0);
  if (tlv.bytes.length !== buf.length) fail("trailing bytes after the structure");
  if (tlv.tag !== tag) fail(`expected tag 0x${tag.toString(16)}, found 0x${tlv.tag.toString(16)}`);
  return tlv;
}

/** Walks the children of a constructed value in order. */
export class DerReader {
  private offset = 0;
  constructor(private readonly content: Uint8Array) {}

  get done(): boolean {
    return this.offset >= this.content.length;
  }

  peekTag(): number | undefined {
    return this.done ? undefined : this.content[this.offset];
  }

  next(tag: number, what: string): Tlv {
    if (this.done) fail(`missing ${what}`);
    const tlv = readTlv(this.content, this.offset);
    if (tlv.tag !== tag) fail(`${what}: expected tag 0x${tag.toString(16)}, found 0x${tlv.tag.toString(16)}`);
    this.offset += tlv.bytes.length;
    return tlv;
  }

  optional(tag: number, what: string): Tlv | undefined {
    return this.peekTag() === tag ? this.next(tag, what) : undefined;
  }

  /** Every remaining child must carry `tag` (SEQUENCE OF); at most `max` of them. */
  all(tag: number, what: string, max: number): Tlv[] {
    const out: Tlv[] = [];
    while (!this.done) {
      if (out.length === max) fail(`more than ${max} ${what}`);
      out.push(this.next(tag, what));
    }
    return out;
  }

  end(what: string): void {
    if (!this.done) fail(`unexpected data at the end of ${what}`);
  }
}

export const children = (tlv: Tlv): DerReader => new DerReader(tlv.content);

/** Content octets of a minimal INTEGER (X.690 §8.3.2). */
export function integerContent(tlv: Tlv): Uint8Array {
  const c = tlv.content;
  if (c.length === 0) fail("empty INTEGER");
  if (c.length > 1 && ((c[0] === 0x00 && c[1] < 0x80) || (c[0] === 0xff && c[1] >= 0x80))) fail("non-minimal INTEGER");
  return c;
}

export function smallInteger(tlv: Tlv): number {
  const c = integerContent(tlv);
  if (c.length > 4 || c[0] & 0x80) fail("INTEGER out of range");
  return c.reduce((n, b) => n * 256 + b, 0);
}

/** DER BOOLEAN: one octet, 00 or FF (X.690 §11.1). */
export function booleanValue(tlv: Tlv): boolean {
  if (tlv.content.length !== 1 || (tlv.content[0] !== 0 && tlv.content[0] !== 0xff)) fail("BOOLEAN must be 00 or FF");
  return tlv.content[0] === 0xff;
}

export function nullValue(tlv: Tlv): void {
  if (tlv.content.length !== 0) fail("NULL with content");
}

/** Dotted form of an OBJECT IDENTIFIER, with every arc minimally encoded (X.690 §8.19.2). */
export function oidValue(tlv: Tlv): string {
  const c = tlv.content;
  if (c.length === 0 || c.length > 64) fail("OID length out of range");
  if (c[c.length - 1] & 0x80) fail("truncated OID arc");
  const arcs: number[] = [];
  let arc = 0;
  let fresh = true;
  for (const byte of c) {
    if (fresh && byte === 0x80) fail("non-minimal OID arc");
    arc = arc * 128 + (byte & 0x7f);
    if (arc > Number.MAX_SAFE_INTEGER / 128) fail("OID arc too large");
    fresh = !(byte & 0x80);
    if (fresh) {
      arcs.push(arc);
      arc = 0;
    }
  }
  const first = arcs[0] < 80 ? Math.floor(arcs[0] / 40) : 2;
  return [first, arcs[0] - first * 40, ...arcs.slice(1)].join(".");
}

/**
 * Checks that a value we skip (a request signature, a requestor name) is itself DER all the way
 * down, so nothing we accept hides BER inside it. Constructed values are walked, primitive ones not.
 */
export function assertDerTree(tlv: Tlv, depth = 0): void {
  if (depth > 24) fail("nesting too deep");
  if (!(tlv.tag & 0x20)) return;
  let offset = 0;
  while (offset < tlv.content.length) {
    const child = readTlv(tlv.content, offset);
    assertDerTree(child, depth + 1);
    offset += child.bytes.length;
  }
}
