// The last look before a CA key signs: the TBS must match its profile and its issuer exactly.
import { AsnConvert } from "@peculiar/asn1-schema";
import { BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsageFlags, Name, TBSCertificate } from "@peculiar/asn1-x509";
import { checkPublicKey, PublicKeyError } from "../keys/check-public-key";
import { signatureAlgorithmOid, defaultHash, type KeyAlgorithm } from "../signer";
import { nameAttribute } from "./names";
import { OIDS, type Profile } from "./profiles";

export type IssuerFacts = {
  nameDer: Uint8Array;
  keyIdentifier: Uint8Array;
  notAfter?: Date;
  pathLen?: number;
  isCa?: boolean;
  selfSigned?: boolean;
};

export class ProfileViolation extends Error {
  constructor(message: string) {
    super(`certificate refused by its profile: ${message}`);
    this.name = "ProfileViolation";
  }
}

const fail = (message: string): never => {
  throw new ProfileViolation(message);
};

const FLAG = { digitalSignature: KeyUsageFlags.digitalSignature, keyCertSign: KeyUsageFlags.keyCertSign, cRLSign: KeyUsageFlags.cRLSign };

export function checkTbsAgainstProfile(tbsDer: Uint8Array, profile: Profile, issuer: IssuerFacts, signerAlgorithm: KeyAlgorithm): void {
  const tbs = AsnConvert.parse(tbsDer, TBSCertificate);
  if (tbs.version !== 2) fail("not a v3 certificate");
  const serial = new Uint8Array(tbs.serialNumber);
  if (serial.length === 0 || serial.length > 20) fail("serial must be 1–20 octets");
  if (serial[0] & 0x80) fail("serial must be positive");
  if (serial.every((b) => b === 0)) fail("serial must not be zero");
  if (tbs.signature.algorithm !== signatureAlgorithmOid(signerAlgorithm, defaultHash(signerAlgorithm))) fail("signature algorithm does not match the issuing key");
  if (!Buffer.from(AsnConvert.serialize(tbs.issuer)).equals(Buffer.from(issuer.nameDer))) fail("issuer name is not the issuing CA's subject");

  const notBefore = tbs.validity.notBefore.getTime();
  const notAfter = tbs.validity.notAfter.getTime();
  if (notBefore.getMilliseconds() !== 0 || notAfter.getMilliseconds() !== 0) fail("times must be whole seconds");
  if (notAfter <= notBefore) fail("notAfter must follow notBefore");
  if (issuer.notAfter && notAfter > issuer.notAfter) fail("validity extends past the issuer's");

  if (!issuer.selfSigned) {
    if (issuer.isCa === false) fail("the issuer is not a CA");
    if (profile.basicConstraints.ca && issuer.pathLen !== undefined && issuer.pathLen < 1) fail("the issuer's path length forbids issuing a CA");
  }

  const spkiDer = new Uint8Array(AsnConvert.serialize(tbs.subjectPublicKeyInfo));
  const keyAlgorithm = certifiableKeyAlgorithm(spkiDer);
  if (!keyAlgorithm || !(profile.allowedKeys as readonly string[]).includes(keyAlgorithm)) fail(`key type ${keyAlgorithm ?? "unknown"} is not allowed for ${profile.kind}`);

  checkSubject(tbs.subject, profile, issuer);
  checkExtensions(tbs, profile);
}

/** Every certificate Signet signs passes here, so no path certifies an invalid or weak key (BR §6.1.1.3, §6.1.6). */
function certifiableKeyAlgorithm(spkiDer: Uint8Array): KeyAlgorithm | undefined {
  try {
    return checkPublicKey(spkiDer).keyAlgorithm;
  } catch (err) {
    if (err instanceof PublicKeyError) return fail(`subject public key: ${err.message}`);
    throw err;
  }
}

function checkSubject(subject: Name, profile: Profile, issuer: IssuerFacts): void {
  if (!nameAttribute(subject, "CN")) fail("subject needs a CN");
  if (profile.kind === "plugin" || profile.kind === "orgCa") {
    const org = nameAttribute(subject, "O");
    if (!org) fail("subject needs an O");
    // Below an org CA (name-constrained to its O), the leaf's O must be that same organization.
    const issuerOrg = nameAttribute(AsnConvert.parse(issuer.nameDer, Name), "O");
    if (profile.kind === "plugin" && issuerOrg !== org) fail("a plugin certificate must carry its organization CA's O");
  }
}

function checkExtensions(tbs: TBSCertificate, profile: Profile): void {
  const extensions = tbs.extensions ?? [];
  const expected = new Map<string, boolean>([
    [OIDS.basicConstraints, true],
    [OIDS.keyUsage, true],
    [OIDS.subjectKeyIdentifier, false],
  ]);
  if (profile.authorityKeyIdentifier) expected.set(OIDS.authorityKeyIdentifier, false);
  if (profile.extendedKeyUsage) expected.set(OIDS.extKeyUsage, false);
  if (profile.nameConstraintToOrg) expected.set(OIDS.nameConstraints, true);
  if (profile.revocationPointers) {
    expected.set(OIDS.crlDistributionPoints, false);
    expected.set(OIDS.authorityInfoAccess, false);
  }
  if (profile.ocspNoCheck) expected.set(OIDS.ocspNoCheck, false);

  const seen = new Set<string>();
  for (const e of extensions) {
    if (seen.has(e.extnID)) fail(`extension ${e.extnID} appears twice`);
    seen.add(e.extnID);
    if (!expected.has(e.extnID)) fail(`extension ${e.extnID} is not in the ${profile.kind} profile`);
    if (Boolean(e.critical) !== expected.get(e.extnID)) fail(`extension ${e.extnID} has the wrong criticality`);
  }
  for (const oid of expected.keys()) if (!seen.has(oid)) fail(`extension ${oid} is missing`);

  const value = (oid: string) => extensions.find((e) => e.extnID === oid)!.extnValue;
  const bc = AsnConvert.parse(value(OIDS.basicConstraints), BasicConstraints);
  if (Boolean(bc.cA) !== profile.basicConstraints.ca) fail("basicConstraints CA flag differs from the profile");
  if (bc.pathLenConstraint !== profile.basicConstraints.pathLen) fail("basicConstraints pathLen differs from the profile");
  const ku = AsnConvert.parse(value(OIDS.keyUsage), KeyUsage).toNumber();
  const want = profile.keyUsage.usages.reduce((bits, u) => bits | FLAG[u], 0);
  if (ku !== want) fail("keyUsage differs from the profile");
  if (profile.extendedKeyUsage) {
    const eku = [...AsnConvert.parse(value(OIDS.extKeyUsage), ExtendedKeyUsage)];
    if (eku.length !== profile.extendedKeyUsage.length || eku.some((o, i) => o !== profile.extendedKeyUsage![i])) fail("extendedKeyUsage differs from the profile");
  }
  // id-pkix-ocsp-nocheck's value is NULL (RFC 6960 §4.2.2.2.1).
  if (profile.ocspNoCheck && !Buffer.from(value(OIDS.ocspNoCheck).buffer).equals(Buffer.from([0x05, 0x00]))) fail("ocsp-nocheck must carry NULL");
}
