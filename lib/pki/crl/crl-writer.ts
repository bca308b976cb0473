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
// Room behind the TBS for signatureAlgorithm + signatureValue (RSA-4096: 512 + headers).
const TAIL_ROOM = 600;

export class CrlWriter {
  private buffer: Buffer;
  private readonly entriesStart: number;
  private end: number;
  private readonly head: Buffer;
  private readonly signatureAlgorithm: Buffer;
  private readonly hash: HashName;
  count = 0;

  constructor(private readonly input: CrlHead) {
    if (input.nextUpdate.getTime() <= input.thisUpdate.getTime()) throw new CrlInputError("nextUpdate must follow thisUpdate");
    if (input.crlNumber < 0n || input.crlNumber >= 1n << 159n) throw new CrlInputError("the CRL number must be a non-negative integer of at most 20 octets");
    this.hash = input.hash ?? defaultHash(input.signer.algorithm);
    this.signatureAlgorithm = algorithmIdentifier(signatureAlgorithmOid(input.signer.algorithm, this.hash), signatureAlgorithmHasNullParams(input.signer.algorithm));
    this.head = Buffer.concat([integer(1), this.signatureAlgorithm, Buffer.from(input.issuerNameDer), time(input.thisUpdate), time(input.nextUpdate)]);
    this.entriesStart = HEADER_ROOM + this.head.length;
    this.end = this.entriesStart;
    this.buffer = Buffer.allocUnsafe(this.entriesStart + (input.sizeHint ?? 64 * 1024) + 256 + TAIL_ROOM);
  }

  private reserve(bytes: number): void {
    if (this.end + bytes + 256 + TAIL_ROOM <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.end + bytes + 256 + TAIL_ROOM));
    this.buffer.copy(grown, 0, 0, this.end);
    this.buffer = grown;
  }

  /** Appends one or more complete, DER-encoded revokedCertificates entries. */
  append(encodedEntries: Uint8Array, count = 1): void {
    this.reserve(encodedEntries.length);
    this.buffer.set(encodedEntries, this.end);
    this.end += encodedEntries.length;
    this.count += count;
  }

  async finish(): Promise<Buffer> {
    const { input } = this;
    const extensions = explicit(
      0,
      sequence(
        sequence(oid(OID_AKI), octetString(sequence(tlv(0x80, input.issuerKeyIdentifier)))),
        sequence(oid(OID_CRL_NUMBER), octetString(integer(input.crlNumber))),
      ),
    );
    const entriesLength = this.end - this.entriesStart;
    this.reserve(extensions.length);
    extensions.copy(this.buffer, this.end);
    const tbsEnd = this.end + extensions.length;

    // revokedCertificates is omitted entirely when empty (RFC 5280 §5.1.2.6).
    const revokedHeader = this.count > 0 ? Buffer.concat([Buffer.from([TAG.SEQUENCE]), lengthOctets(entriesLength)]) : Buffer.alloc(0);
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
    return this.buffer.subarray(start, end);
  }
}
