// Extension encoders for the profiles (RFC 5280 §4.2).
import crypto from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  AccessDescription,
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CRLDistributionPoints,
  DistributionPoint,
  DistributionPointName,
  ExtendedKeyUsage,
  Extension,
  GeneralName,
  GeneralSubtree,
  GeneralSubtrees,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  NameConstraints,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
} from "@peculiar/asn1-x509";
import { buildName } from "./names";
import { OIDS, type KeyUsageName, type Profile } from "./profiles";

export type PkiUrls = { crlUrl: string; ocspUrl: string; caIssuersUrl: string };

const FLAGS: Record<KeyUsageName, number> = {
  digitalSignature: KeyUsageFlags.digitalSignature,
  keyCertSign: KeyUsageFlags.keyCertSign,
  cRLSign: KeyUsageFlags.cRLSign,
};

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING value. */
export function keyIdentifierOf(spkiDer: Uint8Array): Uint8Array {
  const spki = AsnConvert.parse(spkiDer, SubjectPublicKeyInfo);
  return new Uint8Array(crypto.createHash("sha1").update(new Uint8Array(spki.subjectPublicKey)).digest());
}

function ext(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

export function profileExtensions(input: {
  profile: Profile;
  subjectPublicKeySpki: Uint8Array;
  issuerKeyIdentifier: Uint8Array;
  orgName?: string;
  urls?: PkiUrls;
}): Extension[] {
  const { profile } = input;
  const out: Extension[] = [];
  out.push(ext(OIDS.basicConstraints, true, new BasicConstraints({ cA: profile.basicConstraints.ca, ...(profile.basicConstraints.pathLen !== undefined ? { pathLenConstraint: profile.basicConstraints.pathLen } : {}) })));
  out.push(ext(OIDS.keyUsage, true, new KeyUsage(profile.keyUsage.usages.reduce((bits, u) => bits | FLAGS[u], 0))));
  if (profile.extendedKeyUsage) out.push(ext(OIDS.extKeyUsage, false, new ExtendedKeyUsage([...profile.extendedKeyUsage])));
  out.push(ext(OIDS.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifierOf(input.subjectPublicKeySpki))));
  if (profile.authorityKeyIdentifier) {
    out.push(ext(OIDS.authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(input.issuerKeyIdentifier) })));
  }
  if (profile.nameConstraintToOrg) {
    if (!input.orgName) throw new Error("an org CA needs the organization name for its name constraints");
    // Critical permitted directoryName subtree O=<org>: OpenSSL then refuses any leaf named outside it.
    const subtree = new GeneralSubtree({ base: new GeneralName({ directoryName: buildName([{ type: "O", value: input.orgName }]) }) });
    out.push(ext(OIDS.nameConstraints, true, new NameConstraints({ permittedSubtrees: new GeneralSubtrees([subtree]) })));
  }
  if (profile.revocationPointers) {
    if (!input.urls) throw new Error(`the ${profile.kind} profile needs CRL and AIA URLs`);
    const dp = new DistributionPoint({ distributionPoint: new DistributionPointName({ fullName: [new GeneralName({ uniformResourceIdentifier: input.urls.crlUrl })] }) });
    out.push(ext(OIDS.crlDistributionPoints, false, new CRLDistributionPoints([dp])));
    out.push(
      ext(
        OIDS.authorityInfoAccess,
        false,
        new AuthorityInfoAccessSyntax([
          new AccessDescription({ accessMethod: OIDS.adOcsp, accessLocation: new GeneralName({ uniformResourceIdentifier: input.urls.ocspUrl }) }),
          new AccessDescription({ accessMethod: OIDS.adCaIssuers, accessLocation: new GeneralName({ uniformResourceIdentifier: input.urls.caIssuersUrl }) }),
        ]),
      ),
    );
  }
  if (profile.ocspNoCheck) out.push(new Extension({ extnID: OIDS.ocspNoCheck, critical: false, extnValue: new OctetString(new Uint8Array([0x05, 0x00])) }));
  return out;
}
