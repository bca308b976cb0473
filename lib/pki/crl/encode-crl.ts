// X.509 v2 CRLs (RFC 5280 §5). Entries are encoded one by one into flat bytes (so they can also be
// stored and concatenated by the database) and assembled by CrlWriter.
import { enumerated, generalizedTime, octetString, oid, sequence } from "../der";
import { CrlInputError, CrlWriter, type CrlHead } from "./crl-writer";

export { CrlInputError, CrlWriter, type CrlHead } from "./crl-writer";

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

export type CrlInput = Omit<CrlHead, "sizeHint"> & { entries: Iterable<RevokedEntry> };

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

const HEX = /^[0-9a-f]+$/i;

function serialBytes(serial: Uint8Array | string): Uint8Array {
  if (typeof serial === "string" && !HEX.test(serial)) throw new CrlInputError("a serial must be hexadecimal");
  const bytes = typeof serial === "string" ? Buffer.from(serial.length % 2 ? `0${serial}` : serial, "hex") : serial;
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const magnitude = bytes.subarray(start);
  if (magnitude.length === 0 || magnitude.length > 20) throw new CrlInputError("a serial must be 1–20 octets");
  return magnitude;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** One revokedCertificates entry: SEQUENCE { userCertificate, revocationDate, crlEntryExtensions? }. */
export function encodeCrlEntry(entry: RevokedEntry): Buffer {
  const magnitude = serialBytes(entry.serial);
  const positive = magnitude[0] & 0x80 ? 1 : 0; // INTEGER is two's complement: keep serials positive
  const d = entry.revocationDate;
  const year = d.getUTCFullYear();
  // UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §5.1.2.4); whole seconds.
  const utc = year >= 1950 && year < 2050;
  const timeText = `${utc ? pad2(year % 100) : String(year).padStart(4, "0")}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}Z`;
  const extensions: Buffer[] = [];
  // RFC 5280 §5.3.1: omit reasonCode rather than use unspecified.
  if (entry.reason && entry.reason !== "unspecified") extensions.push(reasonExtension(entry.reason));
  if (entry.invalidityDate) extensions.push(sequence(oid(OID_INVALIDITY), octetString(generalizedTime(entry.invalidityDate))));
  const extensionsDer = extensions.length ? sequence(...extensions) : undefined;

  const serialLength = magnitude.length + positive;
  const bodyLength = 2 + serialLength + 2 + timeText.length + (extensionsDer?.length ?? 0);
  // Entries are short (< 128 bytes) unless they carry unusual extensions: one-byte length then.
  if (bodyLength >= 0x80) return sequence(Buffer.concat([Buffer.from([0x02, serialLength]), Buffer.alloc(positive), magnitude]), Buffer.concat([Buffer.from([utc ? 0x17 : 0x18, timeText.length]), Buffer.from(timeText, "latin1")]), ...(extensionsDer ? [extensionsDer] : []));
  const out = Buffer.allocUnsafe(2 + bodyLength);
  let i = 0;
  out[i++] = 0x30;
  out[i++] = bodyLength;
  out[i++] = 0x02;
  out[i++] = serialLength;
  if (positive) out[i++] = 0;
  out.set(magnitude, i);
  i += magnitude.length;
  out[i++] = utc ? 0x17 : 0x18;
  out[i++] = timeText.length;
  i += out.write(timeText, i, "latin1");
  if (extensionsDer) extensionsDer.copy(out, i);
  return out;
}

export async function encodeCrl(input: CrlInput): Promise<Buffer> {
  const writer = new CrlWriter(input);
  for (const entry of input.entries) writer.append(encodeCrlEntry(entry));
  return writer.finish();
}
