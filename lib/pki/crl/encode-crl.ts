// X.509 v2 CRLs (RFC 5280 §5), encoded straight to bytes: one small buffer per entry and
// arithmetic lengths, so a million entries cost seconds, not an object tree per entry.
import { algorithmIdentifier, enumerated, explicit, generalizedTime, header, integer, integerFromBytes, octetString, oid, sequence, tlv, TAG, time } from "../der";
import { defaultHash, signatureAlgorithmHasNullParams, signatureAlgorithmOid, type HashName, type Signer } from "../signer";

export const REVOCATION_REASON_CODES = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type RevocationReasonName = keyof typeof REVOCATION_REASON_CODES;

export type RevokedEntry = { serial: Uint8Array | string; revocationDate: Date; reason?: RevocationReasonName; invalidityDate?: Date };

export type CrlInput = {
  issuerNameDer: Uint8Array;
  issuerKeyIdentifier: Uint8Array;
  crlNumber: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
  entries: Iterable<RevokedEntry>;
  signer: Signer;
  hash?: HashName;
};

export class CrlInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CrlInputError";
  }
}

const OID_CRL_NUMBER = "2.5.29.20";
const OID_AKI = "2.5.29.35";
const OID_REASON = "2.5.29.21";
const OID_INVALIDITY = "2.5.29.24";

// reasonCode extensions are identical for every entry with the same reason: encode each once.
const reasonExtensions = new Map<RevocationReasonName, Buffer>();
function reasonExtension(reason: RevocationReasonName): Buffer {
  let ext = reasonExtensions.get(reason);
  if (!ext) {
    ext = sequence(oid(OID_REASON), octetString(enumerated(REVOCATION_REASON_CODES[reason])));
    reasonExtensions.set(reason, ext);
  }
  return ext;
}

function serialBytes(serial: Uint8Array | string): Uint8Array {
  const bytes = typeof serial === "string" ? Buffer.from(serial.length % 2 ? `0${serial}` : serial, "hex") : serial;
  if (bytes.length === 0 || bytes.length > 20) throw new CrlInputError("a serial must be 1–20 octets");
  return bytes;
}

function encodeEntry(entry: RevokedEntry): Buffer {
  const extensions: Buffer[] = [];
  // RFC 5280 §5.3.1: omit reasonCode rather than use unspecified.
  if (entry.reason && entry.reason !== "unspecified") extensions.push(reasonExtension(entry.reason));
  if (entry.invalidityDate) extensions.push(sequence(oid(OID_INVALIDITY), octetString(generalizedTime(entry.invalidityDate))));
  const parts = [integerFromBytes(serialBytes(entry.serial)), time(entry.revocationDate)];
  if (extensions.length) parts.push(sequence(...extensions));
  return sequence(...parts);
}

export function encodeTbsCertList(input: Omit<CrlInput, "signer"> & { signatureAlgorithm: Buffer }): Buffer {
  if (input.nextUpdate.getTime() <= input.thisUpdate.getTime()) throw new CrlInputError("nextUpdate must follow thisUpdate");
  if (input.crlNumber < 0n || input.crlNumber >= 1n << 159n) throw new CrlInputError("the CRL number must be a non-negative integer of at most 20 octets");
  const entries: Buffer[] = [];
  let entriesLength = 0;
  for (const entry of input.entries) {
    const encoded = encodeEntry(entry);
    entries.push(encoded);
    entriesLength += encoded.length;
  }
  const crlExtensions = explicit(
    0,
    sequence(
      sequence(oid(OID_AKI), octetString(sequence(tlv(0x80, input.issuerKeyIdentifier)))),
      sequence(oid(OID_CRL_NUMBER), octetString(integer(input.crlNumber))),
    ),
  );
  const head = [integer(1), input.signatureAlgorithm, Buffer.from(input.issuerNameDer), time(input.thisUpdate), time(input.nextUpdate)];
  // revokedCertificates is omitted entirely when empty (RFC 5280 §5.1.2.6).
  const revoked = entries.length ? [header(TAG.SEQUENCE, entriesLength), ...entries] : [];
  const bodyLength = head.reduce((n, b) => n + b.length, 0) + revoked.reduce((n, b) => n + b.length, 0) + crlExtensions.length;
  return Buffer.concat([header(TAG.SEQUENCE, bodyLength), ...head, ...revoked, crlExtensions]);
}

export async function encodeCrl(input: CrlInput): Promise<Buffer> {
  const hash = input.hash ?? defaultHash(input.signer.algorithm);
  const signatureAlgorithm = algorithmIdentifier(signatureAlgorithmOid(input.signer.algorithm, hash), signatureAlgorithmHasNullParams(input.signer.algorithm));
  const tbs = encodeTbsCertList({ ...input, signatureAlgorithm });
  const signature = await input.signer.sign(tbs, hash);
  const signatureValue = tlv(TAG.BIT_STRING, Buffer.from([0]), signature);
  return Buffer.concat([header(TAG.SEQUENCE, tbs.length + signatureAlgorithm.length + signatureValue.length), tbs, signatureAlgorithm, signatureValue]);
}
