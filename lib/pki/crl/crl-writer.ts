// Builds a CRL in one buffer, without an object per entry: the fixed head of the TBSCertList is
// known before the first entry, so space for it is reserved in front; entries are appended as
// encoded bytes (from encodeCrlEntry, or pre-encoded rows from the database); lengths are filled in
// at the end and the signature appended behind. A 1,000,000-entry CRL costs its ~45 MB of bytes.
import { algorithmIdentifier, explicit, integer, lengthOctets, octetString, oid, sequence, tlv, TAG, time } from "../der";
import { defaultHash, signatureAlgorithmHasNullParams, signatureAlgorithmOid, type HashName, type Signer } from "../signer";

export class CrlInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CrlInputError";
  }
}

export type CrlHead = {
  issuerNameDer: Uint8Array;
  issuerKeyIdentifier: Uint8Array;
  crlNumber: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
  signer: Signer;
  hash?: HashName;
  /** Expected bytes of all entries (e.g. count × 45): sizes the buffer once instead of growing it. */
  sizeHint?: number;
};

const OID_CRL_NUMBER = "2.5.29.20";
const OID_AKI = "2.5.29.35";
// Room for the three headers written last (CertificateList, TBSCertList, revokedCertificates): ≤ 6 bytes each.
const HEADER_ROOM = 18;
// Room behind the entries for crlExtensions (AKI + CRL number) and then signatureAlgorithm +
// signatureValue (RSA-4096: 512 + headers): reserved from the start, so a buffer sized by the
// hint never has to grow (and double) just to take the tail.
const TAIL_ROOM = 1024;

export class CrlWriter {
  private buffer: Buffer;
  private readonly entriesStart: number;
  private end: number;
  private readonly head: Buffer;
  private readonly signatureAlgorithm: Buffer;
  private readonly hash: HashName;

  constructor(private readonly input: CrlHead) {
    if (input.nextUpdate.getTime() <= input.thisUpdate.getTime()) throw new CrlInputError("nextUpdate must follow thisUpdate");
    if (input.crlNumber < 0n || input.crlNumber >= 1n << 159n) throw new CrlInputError("the CRL number must be a non-negative integer of at most 20 octets");
    this.hash = input.hash ?? defaultHash(input.signer.algorithm);
    this.signatureAlgorithm = algorithmIdentifier(signatureAlgorithmOid(input.signer.algorithm, this.hash), signatureAlgorithmHasNullParams(input.signer.algorithm));
    this.head = Buffer.concat([integer(1), this.signatureAlgorithm, Buffer.from(input.issuerNameDer), time(input.thisUpdate), time(input.nextUpdate)]);
    this.entriesStart = HEADER_ROOM + this.head.length;
    this.end = this.entriesStart;
    this.buffer = Buffer.allocUnsafe(this.entriesStart + (input.sizeHint ?? 64 * 1024) + TAIL_ROOM);
  }

  /** Makes room for `bytes` more entry bytes, keeping TAIL_ROOM free behind them. */
  private reserve(bytes: number): void {
    if (this.end + bytes + TAIL_ROOM <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.end + bytes + TAIL_ROOM));
    this.buffer.copy(grown, 0, 0, this.end);
    this.buffer = grown;
  }

  /** Appends entry bytes given as base64 text, decoding straight into the CRL (no interim buffer). */
  appendBase64(text: string): void {
    this.reserve(Math.ceil((text.length * 3) / 4));
    this.end += this.buffer.write(text, this.end, "base64");
  }

  /** Appends DER-encoded revokedCertificates entries: whole ones, or a stream of them in any chunking. */
  append(encodedEntries: Uint8Array): void {
    this.reserve(encodedEntries.length);
    this.buffer.set(encodedEntries, this.end);
    this.end += encodedEntries.length;
  }

  async finish(): Promise<Buffer> {
    return (await this.finishWithLayout()).der;
  }

  /**
   * The signed CRL, and where its entries sit in it: everything before them (`head`) and after
   * them (`tail`) is all a store needs besides the entries themselves to rebuild the same bytes.
   */
  async finishWithLayout(): Promise<{ der: Buffer; head: Buffer; tail: Buffer }> {
    const { input } = this;
    const extensions = explicit(
      0,
      sequence(
        sequence(oid(OID_AKI), octetString(sequence(tlv(0x80, input.issuerKeyIdentifier)))),
        sequence(oid(OID_CRL_NUMBER), octetString(integer(input.crlNumber))),
      ),
    );
    const entriesLength = this.end - this.entriesStart;
    // An unusually long key identifier could outgrow the reserved tail: then make room for it.
    if (extensions.length > TAIL_ROOM - 600) this.reserve(extensions.length);
    extensions.copy(this.buffer, this.end);
    const tbsEnd = this.end + extensions.length;

    // revokedCertificates is omitted entirely when empty (RFC 5280 §5.1.2.6).
    const revokedHeader = entriesLength > 0 ? Buffer.concat([Buffer.from([TAG.SEQUENCE]), lengthOctets(entriesLength)]) : Buffer.alloc(0);
    let start = this.entriesStart - revokedHeader.length;
    revokedHeader.copy(this.buffer, start);
    start -= this.head.length;
    this.head.copy(this.buffer, start);
    const tbsHeader = Buffer.concat([Buffer.from([TAG.SEQUENCE]), lengthOctets(tbsEnd - start)]);
    start -= tbsHeader.length;
    tbsHeader.copy(this.buffer, start);

    const tbs = this.buffer.subarray(start, tbsEnd);
    const signature = await input.signer.sign(tbs, this.hash);
    const signatureValue = tlv(TAG.BIT_STRING, Buffer.from([0]), signature);
    this.signatureAlgorithm.copy(this.buffer, tbsEnd);
    signatureValue.copy(this.buffer, tbsEnd + this.signatureAlgorithm.length);
    const end = tbsEnd + this.signatureAlgorithm.length + signatureValue.length;
    const outerHeader = Buffer.concat([Buffer.from([TAG.SEQUENCE]), lengthOctets(end - start)]);
    start -= outerHeader.length;
    outerHeader.copy(this.buffer, start);
    const der = this.buffer.subarray(start, end);
    const entriesAt = this.entriesStart - start;
    return { der, head: der.subarray(0, entriesAt), tail: der.subarray(entriesAt + entriesLength) };
  }
}
