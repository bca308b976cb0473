// Reads a CRL an organization signed with its own CA key (RFC 5280 §5) by a hand DER walk, one
// entry at a time: @peculiar/x509 cannot re-read CRLs past ~1,400 entries, and an object tree per
// entry would cost far more than the bytes. Strict: DER only, v2, the shapes Signet itself emits.
import { REVOCATION_REASON_CODES, type RevocationReasonName } from "./encode-crl";
import { bytesOf, children, contentOf, DerError, oidToString, readRoot, readTlv, splitSigned, type Tlv } from "../der-read";

export class CrlParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CrlParseError";
  }
}

export type ParsedCrlEntry = { serialHex: string; revocationDate: Date; reason: RevocationReasonName; invalidityDate?: Date; der: Uint8Array };

export type ParsedCrl = {
  tbs: Uint8Array;
  signature: Uint8Array;
  signatureAlgorithmOid: string;
  issuerDer: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date;
  crlNumber: bigint;
  authorityKeyIdentifier: Uint8Array;
  entries: ParsedCrlEntry[];
};

const OID_CRL_NUMBER = "2.5.29.20";
const OID_AKI = "2.5.29.35";
const OID_DELTA = "2.5.29.27";
const OID_IDP = "2.5.29.28";
const OID_REASON = "2.5.29.21";
const OID_INVALIDITY = "2.5.29.24";
const OID_CERTIFICATE_ISSUER = "2.5.29.29";

const TAG = { INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, OID: 0x06, ENUMERATED: 0x0a, SEQUENCE: 0x30, UTC: 0x17, GENERALIZED: 0x18, BOOLEAN: 0x01, CTX0: 0xa0, CTX0_PRIM: 0x80 };
const REASON_BY_CODE = new Map<number, RevocationReasonName>(Object.entries(REVOCATION_REASON_CODES).map(([name, code]) => [code, name as RevocationReasonName]));

const fail = (message: string): never => {
  throw new CrlParseError(message);
};

/** INTEGER content octets as a non-negative magnitude; minimal two's complement (X.690 §8.3.2). */
function positiveInteger(content: Uint8Array, what: string): Uint8Array {
  if (content.length === 0) fail(`${what} is an empty INTEGER`);
  if (content.length > 1 && ((content[0] === 0 && !(content[1] & 0x80)) || (content[0] === 0xff && content[1] & 0x80))) fail(`${what} is not minimally encoded`);
  if (content[0] & 0x80) fail(`${what} is negative`);
  return content;
}

const hex = (magnitude: Uint8Array) => {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  return Buffer.from(magnitude.subarray(start)).toString("hex");
};

const TIME_FORMS: Record<number, RegExp> = {
  [TAG.UTC]: /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/,
  [TAG.GENERALIZED]: /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/,
};

/** UTCTime or GeneralizedTime in RFC 5280's one form each (§4.1.2.5): seconds, Z, no fractions. */
function readTime(der: Uint8Array, tlv: Tlv, what: string): Date {
  const form = TIME_FORMS[tlv.tag];
  if (!form) fail(`${what} is not a UTCTime or GeneralizedTime`);
  const m = form.exec(Buffer.from(contentOf(der, tlv)).toString("latin1"));
  if (!m) fail(`${what} must be written YYMMDDHHMMSSZ (UTCTime) or YYYYMMDDHHMMSSZ (GeneralizedTime)`);
  let year = Number(m![1]);
  if (tlv.tag === TAG.UTC) year += year < 50 ? 2000 : 1900;
  const [month, day, hour, minute, second] = m!.slice(2).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) fail(`${what} is not a valid date`);
  return date;
}

type Extension = { oid: string; critical: boolean; value: Uint8Array };

function readExtensions(der: Uint8Array, seq: Tlv, what: string): Extension[] {
  if (seq.tag !== TAG.SEQUENCE) fail(`${what} must be a SEQUENCE of extensions`);
  const out: Extension[] = [];
  const seen = new Set<string>();
  const list = children(der, seq);
  if (list.length === 0) fail(`${what} is present but empty`);
  for (const ext of list) {
    if (ext.tag !== TAG.SEQUENCE) fail(`${what}: an extension is not a SEQUENCE`);
    const parts = children(der, ext);
    if (parts.length < 2 || parts.length > 3 || parts[0].tag !== TAG.OID) fail(`${what}: malformed extension`);
    const oid = oidToString(contentOf(der, parts[0]));
    let critical = false;
    if (parts.length === 3) {
      if (parts[1].tag !== TAG.BOOLEAN || parts[1].end - parts[1].contentStart !== 1) fail(`${what}: malformed critical flag`);
      const flag = der[parts[1].contentStart];
      // DER: DEFAULT FALSE is omitted, and TRUE is 0xFF (X.690 §11.1, §11.5).
      if (flag !== 0xff) fail(`${what}: a critical flag FALSE must be omitted in DER`);
      critical = true;
    }
    const value = parts[parts.length - 1];
    if (value.tag !== TAG.OCTET_STRING) fail(`${what}: extension value is not an OCTET STRING`);
    if (seen.has(oid)) fail(`${what}: extension ${oid} appears twice`);
    seen.add(oid);
    out.push({ oid, critical, value: contentOf(der, value) });
  }
  return out;
}

function readEntry(der: Uint8Array, tlv: Tlv, index: number): ParsedCrlEntry {
  const what = `revoked entry #${index + 1}`;
  if (tlv.tag !== TAG.SEQUENCE) fail(`${what} is not a SEQUENCE`);
  const parts = children(der, tlv);
  if (parts.length < 2 || parts.length > 3 || parts[0].tag !== TAG.INTEGER) fail(`${what} is malformed`);
  const serial = positiveInteger(contentOf(der, parts[0]), `${what}'s serial`);
  if (serial.length > 21 || (serial.length === 21 && serial[0] !== 0)) fail(`${what}'s serial is longer than 20 octets`);
  const revocationDate = readTime(der, parts[1], `${what}'s revocationDate`);
  let reason: RevocationReasonName = "unspecified";
  let invalidityDate: Date | undefined;
  if (parts.length === 3) {
    for (const ext of readExtensions(der, parts[2], `${what}'s extensions`)) {
      if (ext.oid === OID_REASON) {
        const value = readRoot(ext.value, TAG.ENUMERATED);
        const content = contentOf(ext.value, value);
        if (content.length !== 1) fail(`${what}'s reasonCode is malformed`);
        const name = REASON_BY_CODE.get(content[0]);
        if (!name) fail(`${what}'s reasonCode ${content[0]} is not a reason RFC 5280 §5.3.1 defines`);
        // removeFromCRL takes a serial off a delta CRL: a serial once revoked stays revoked here.
        if (name === "removeFromCRL") fail(`${what} uses removeFromCRL: a revoked certificate is never reinstated`);
        // Explicit unspecified is allowed by RFC 5280 (§5.3.1 says SHOULD omit).
        reason = name!;
      } else if (ext.oid === OID_INVALIDITY) {
        invalidityDate = readTime(ext.value, readRoot(ext.value, TAG.GENERALIZED), `${what}'s invalidityDate`);
      } else if (ext.oid === OID_CERTIFICATE_ISSUER) {
        fail(`${what} names another certificate issuer: indirect CRLs are not accepted`);
      } else if (ext.critical) {
        fail(`${what} has a critical extension ${ext.oid} that Signet does not process`);
      }
    }
  }
  return { serialHex: hex(serial), revocationDate, reason, invalidityDate, der: bytesOf(der, tlv) };
}

/** Parses and checks the CRL's structure; the caller checks the signature, issuer and numbering. */
export function parseCrl(der: Uint8Array): ParsedCrl {
  try {
    return parse(der);
  } catch (err) {
    if (err instanceof DerError) throw new CrlParseError(`not a DER CRL: ${err.message.replace(/^DER: /, "")}`);
    throw err;
  }
}

function parse(der: Uint8Array): ParsedCrl {
  const signed = splitSigned(der);
  if (children(der, readRoot(der, TAG.SEQUENCE)).length !== 3) fail("a CertificateList has exactly three parts");
  const algorithm = children(signed.signatureAlgorithm, readRoot(signed.signatureAlgorithm, TAG.SEQUENCE));
  if (algorithm[0]?.tag !== TAG.OID) fail("malformed signatureAlgorithm");
  const signatureAlgorithmOid = oidToString(contentOf(signed.signatureAlgorithm, algorithm[0]));
  const tbs = signed.tbs;
  const fields = children(tbs, readRoot(tbs, TAG.SEQUENCE));
  let i = 0;
  const next = () => fields[i++];
  const version = next();
  // Extensions (CRL number, AKI) need v2 (RFC 5280 §5.1.2.1): version present and equal to 1.
  if (version?.tag !== TAG.INTEGER || Buffer.from(contentOf(tbs, version)).toString("hex") !== "01") fail("the CRL must be version 2 (version INTEGER 1)");
  const innerAlgorithm = next();
  if (!innerAlgorithm || !Buffer.from(bytesOf(tbs, innerAlgorithm)).equals(Buffer.from(signed.signatureAlgorithm))) fail("tbsCertList.signature differs from signatureAlgorithm (RFC 5280 §5.1.1.2)");
  const issuer = next();
  if (issuer?.tag !== TAG.SEQUENCE) fail("the issuer is not a Name");
  const thisUpdate = readTime(tbs, next() ?? fail("thisUpdate is missing"), "thisUpdate");
  const nextTlv = fields[i];
  if (!nextTlv || (nextTlv.tag !== TAG.UTC && nextTlv.tag !== TAG.GENERALIZED)) fail("nextUpdate is missing (RFC 5280 §5.1.2.5: conforming CAs include it)");
  const nextUpdate = readTime(tbs, next(), "nextUpdate");
  if (nextUpdate.getTime() <= thisUpdate.getTime()) fail("nextUpdate must be after thisUpdate");

  const entries: ParsedCrlEntry[] = [];
  if (fields[i]?.tag === TAG.SEQUENCE) {
    const list = next();
    // An empty revokedCertificates must be omitted (RFC 5280 §5.1.2.6).
    if (list.end === list.contentStart) fail("an empty revokedCertificates list must be omitted");
    const seen = new Set<string>();
    for (let pos = list.contentStart; pos < list.end; ) {
      const tlv = readTlv(tbs, pos, list.end);
      const entry = readEntry(tbs, tlv, entries.length);
      if (seen.has(entry.serialHex)) fail(`serial ${entry.serialHex} is listed twice`);
      seen.add(entry.serialHex);
      entries.push(entry);
      pos = tlv.end;
    }
  }
  const extensionsTlv = next();
  if (extensionsTlv?.tag !== TAG.CTX0) fail("crlExtensions [0] are missing: the CRL needs a CRL number and an authority key identifier");
  if (i !== fields.length) fail("unexpected fields after crlExtensions");
  const wrapped = children(tbs, extensionsTlv);
  if (wrapped.length !== 1) fail("crlExtensions must hold one SEQUENCE");
  let crlNumber: bigint | undefined;
  let authorityKeyIdentifier: Uint8Array | undefined;
  for (const ext of readExtensions(tbs, wrapped[0], "crlExtensions")) {
    if (ext.oid === OID_CRL_NUMBER) {
      if (ext.critical) fail("the CRL number must not be critical (RFC 5280 §5.2.3)");
      const content = positiveInteger(contentOf(ext.value, readRoot(ext.value, TAG.INTEGER)), "the CRL number");
      if (content.length > 21 || (content.length === 21 && content[0] !== 0)) fail("the CRL number is longer than 20 octets");
      crlNumber = BigInt(`0x${Buffer.from(content).toString("hex")}`);
    } else if (ext.oid === OID_AKI) {
      if (ext.critical) fail("the authority key identifier must not be critical");
      const aki = children(ext.value, readRoot(ext.value, TAG.SEQUENCE));
      const keyId = aki.find((t) => t.tag === TAG.CTX0_PRIM);
      if (!keyId) fail("the authority key identifier has no keyIdentifier");
      authorityKeyIdentifier = contentOf(ext.value, keyId!);
    } else if (ext.oid === OID_DELTA) {
      fail("delta CRLs are not accepted: upload a complete CRL");
    } else if (ext.oid === OID_IDP) {
      fail("a CRL with an issuing distribution point covers only part of the CA's certificates: upload a complete CRL");
    } else if (ext.critical) {
      fail(`crlExtensions has a critical extension ${ext.oid} that Signet does not process`);
    }
  }
  if (crlNumber === undefined) fail("the CRL has no CRL number (RFC 5280 §5.2.3)");
  if (!authorityKeyIdentifier) fail("the CRL has no authority key identifier (RFC 5280 §5.2.1)");
  return { tbs, signature: signed.signature, signatureAlgorithmOid, issuerDer: bytesOf(tbs, issuer), thisUpdate, nextUpdate, crlNumber: crlNumber!, authorityKeyIdentifier: authorityKeyIdentifier!, entries };
}
