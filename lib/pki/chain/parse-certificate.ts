// What path validation and revocation checking need from a certificate, read from its DER.
// The TBS bytes are kept exactly as received, because the issuer's signature covers those bytes.
import crypto, { type KeyObject } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  AuthorityInfoAccessSyntax,
  BasicConstraints,
  Certificate,
  CRLDistributionPoints,
  ExtendedKeyUsage,
  KeyUsage,
  NameConstraints,
  type GeneralSubtrees,
} from "@peculiar/asn1-x509";
import { OIDS } from "../certificate/profiles";
import { nameToString } from "../certificate/names";
import { serialToHex } from "../certificate/serial";
import { children, bytesOf, readRoot, splitSigned, oidToString, readTlv, contentOf } from "../der-read";
import { importPublicKey, readPublicKey, type CheckedPublicKey } from "../keys/check-public-key";

/** Extensions whose meaning this validator knows; any other critical extension fails the path (RFC 5280 §4.2). */
const UNDERSTOOD = new Set<string>([
  OIDS.basicConstraints,
  OIDS.keyUsage,
  OIDS.extKeyUsage,
  OIDS.subjectKeyIdentifier,
  OIDS.authorityKeyIdentifier,
  OIDS.nameConstraints,
  OIDS.crlDistributionPoints,
  OIDS.authorityInfoAccess,
  OIDS.ocspNoCheck,
  "2.5.29.17", // subjectAltName: no name constraints of ours apply to it (directoryName only)
  "2.5.29.32", // certificatePolicies: no policy is required by this validator
]);

export type ParsedCertificate = {
  der: Uint8Array;
  tbs: Uint8Array;
  signatureAlgorithmOid: string;
  signature: Uint8Array;
  serial: Uint8Array;
  serialHex: string;
  subject: string;
  issuer: string;
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  /** The subject Name's RDNs, each as its DER bytes (for directoryName constraints). */
  subjectRdns: Uint8Array[];
  spkiDer: Uint8Array;
  /** The subject key, validated (readPublicKey) before it was imported: what it is, for every decision. */
  key: CheckedPublicKey;
  /** Only for verifying signatures. */
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  pathLen: number | undefined;
  keyUsage: number | undefined;
  extendedKeyUsage: string[] | undefined;
  permittedSubtrees: Uint8Array[][] | undefined;
  excludedSubtrees: Uint8Array[][] | undefined;
  unknownCriticalExtensions: string[];
  ocspUrls: string[];
  crlUrls: string[];
  fingerprintSha256: string;
};

export function rdnsOf(nameDer: Uint8Array): Uint8Array[] {
  return children(nameDer, readRoot(nameDer, 0x30)).map((rdn) => bytesOf(nameDer, rdn));
}

function subtreeNames(trees: GeneralSubtrees | undefined): Uint8Array[][] | undefined {
  if (!trees) return undefined;
  return trees.filter((t) => t.base.directoryName).map((t) => rdnsOf(new Uint8Array(AsnConvert.serialize(t.base.directoryName!))));
}

/** Locates TBSCertificate fields by position: [0] version, serial, signature, issuer, validity, subject, spki. */
function tbsFields(tbs: Uint8Array) {
  const fields = children(tbs, readRoot(tbs, 0x30));
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const [serial, , issuer, , subject, spki] = fields.slice(offset);
  if (!spki || serial.tag !== 0x02) throw new Error("malformed TBSCertificate");
  return { serial: contentOf(tbs, serial), issuer: bytesOf(tbs, issuer), subject: bytesOf(tbs, subject), spki: bytesOf(tbs, spki) };
}

export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const signed = splitSigned(der);
  const algorithm = children(signed.signatureAlgorithm, readRoot(signed.signatureAlgorithm, 0x30));
  const signatureAlgorithmOid = oidToString(contentOf(signed.signatureAlgorithm, readTlv(signed.signatureAlgorithm, algorithm[0].start)));
  const raw = tbsFields(signed.tbs);
  // A certificate from outside may carry a key Node imports and then aborts on (an EC point at
  // infinity): it is validated here, before importPublicKey, and a bad one makes the certificate unreadable.
  const key = readPublicKey(raw.spki);
  const cert = AsnConvert.parse(der, Certificate);
  const tbs = cert.tbsCertificate;
  const extensions = tbs.extensions ?? [];
  const find = (oid: string) => extensions.find((e) => e.extnID === oid);
  const value = <T>(oid: string, type: new () => T): T | undefined => {
    const ext = find(oid);
    return ext ? AsnConvert.parse(ext.extnValue, type) : undefined;
  };
  const bc = value(OIDS.basicConstraints, BasicConstraints);
  const ku = value(OIDS.keyUsage, KeyUsage);
  const eku = value(OIDS.extKeyUsage, ExtendedKeyUsage);
  const nc = value(OIDS.nameConstraints, NameConstraints);
  const aia = value(OIDS.authorityInfoAccess, AuthorityInfoAccessSyntax);
  const crlDp = value(OIDS.crlDistributionPoints, CRLDistributionPoints);
  const seen = new Set<string>();
  for (const e of extensions) {
    if (seen.has(e.extnID)) throw new Error(`duplicate extension ${e.extnID}`);
    seen.add(e.extnID);
  }
  return {
    der,
    tbs: signed.tbs,
    signatureAlgorithmOid,
    signature: signed.signature,
    serial: raw.serial,
    serialHex: serialToHex(raw.serial),
    subject: nameToString(tbs.subject),
    issuer: nameToString(tbs.issuer),
    subjectDer: raw.subject,
    issuerDer: raw.issuer,
    subjectRdns: rdnsOf(raw.subject),
    spkiDer: raw.spki,
    key,
    publicKey: importPublicKey(key),
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    isCa: bc?.cA ?? false,
    pathLen: bc?.pathLenConstraint,
    keyUsage: ku?.toNumber(),
    extendedKeyUsage: eku ? [...eku] : undefined,
    permittedSubtrees: subtreeNames(nc?.permittedSubtrees),
    excludedSubtrees: subtreeNames(nc?.excludedSubtrees),
    unknownCriticalExtensions: extensions.filter((e) => e.critical && !UNDERSTOOD.has(e.extnID)).map((e) => e.extnID),
    ocspUrls: (aia ?? []).filter((a) => a.accessMethod === OIDS.adOcsp && a.accessLocation.uniformResourceIdentifier).map((a) => a.accessLocation.uniformResourceIdentifier!),
    crlUrls: (crlDp ?? []).flatMap((dp) => dp.distributionPoint?.fullName ?? []).filter((n) => n.uniformResourceIdentifier).map((n) => n.uniformResourceIdentifier!),
    fingerprintSha256: crypto.createHash("sha256").update(der).digest("hex"),
  };
}

/** Splits a PEM bundle into certificate DERs (order kept), refusing anything that is not a certificate. */
export function certificatesFromPem(pem: string, limit = 10): Uint8Array[] {
  const blocks = [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)];
  if (blocks.length === 0) throw new Error("no PEM certificate found");
  if (blocks.length > limit) throw new Error(`more than ${limit} certificates in one PEM bundle`);
  return blocks.map((b) => {
    if (b[1] !== "CERTIFICATE") throw new Error(`unexpected PEM block ${b[1]}`);
    const body = b[2].replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new Error("invalid base64 in a PEM certificate");
    return new Uint8Array(Buffer.from(body, "base64"));
  });
}
