// check-profile is the last look before a CA key signs: each row below builds a TBS that Signet's own issuance would
// never build, and the check must refuse it with the reason named. The first test proves the untouched TBS passes, so
// every refusal is caused by its one mutation.
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { BasicConstraints, ExtendedKeyUsage, Extension, KeyUsage, KeyUsageFlags, Name, SubjectPublicKeyInfo, TBSCertificate } from "@peculiar/asn1-x509";
import { describe, expect, it } from "vitest";
import { generateKeyPair, softwareSigner, spkiOf, type KeyAlgorithm } from "../signer";
import { checkTbsAgainstProfile, ProfileViolation, type IssuerFacts } from "./check-profile";
import { buildName } from "./names";
import { certificateInfo, issueRootCa, pluginSubject, prepareCertificate } from "./issue";
import { OIDS, PROFILES, type Profile } from "./profiles";
import { randomSerial } from "./serial";

const now = new Date("2026-12-01T12:00:00Z");
const later = new Date("2027-06-01T12:00:00Z");
const urls = { crlUrl: "https://signet.test/crl/ca1.crl", ocspUrl: "https://signet.test/ocsp", caIssuersUrl: "https://signet.test/ca/ca1.crt" };
const rootSigner = softwareSigner(generateKeyPair("ecdsa-p256").privateKey);
const pluginKey = spkiOf(generateKeyPair("rsa-2048").privateKey);
const ecKey = spkiOf(generateKeyPair("ecdsa-p256").privateKey);

async function orgIssuer(): Promise<IssuerFacts> {
  // The facts of an org CA "O=Acme, CN=Acme CA": a CA, path length 0, valid to 2028.
  const root = certificateInfo(await issueRootCa({ signer: rootSigner, commonName: "Root", serial: randomSerial(), notBefore: now, notAfter: new Date("2036-01-01T00:00:00Z") }));
  const nameDer = new Uint8Array(AsnConvert.serialize(buildName([{ type: "O", value: "Acme" }, { type: "CN", value: "Acme CA" }])));
  return { nameDer, keyIdentifier: root.subjectKeyIdentifier, notAfter: new Date("2028-01-01T00:00:00Z"), pathLen: 0, isCa: true };
}

function pluginTbs(issuer: IssuerFacts): TBSCertificate {
  const prepared = prepareCertificate({ profile: PROFILES.plugin, subject: pluginSubject("Acme", "com.acme.tool"), subjectPublicKeySpki: pluginKey, serial: randomSerial(), notBefore: now, notAfter: later, issuer, signerAlgorithm: "ecdsa-p256", orgName: "Acme", urls });
  // A fresh copy per row, so one row's mutation cannot leak into the next.
  return AsnConvert.parse(prepared.tbsDer, TBSCertificate);
}

const ext = (tbs: TBSCertificate, oid: string): Extension => tbs.extensions!.find((e) => e.extnID === oid)!;
const setExtValue = (tbs: TBSCertificate, oid: string, value: unknown) => {
  ext(tbs, oid).extnValue = new OctetString(AsnConvert.serialize(value));
};

type Row = { name: string; refuse: RegExp; mutate?: (tbs: TBSCertificate) => void; issuer?: (i: IssuerFacts) => IssuerFacts; profile?: Profile; signer?: KeyAlgorithm };

const rows: Row[] = [
  { name: "a v1 certificate", refuse: /not a v3 certificate/, mutate: (t) => void (t.version = 0) },
  { name: "an empty serial", refuse: /serial must be 1–20 octets/, mutate: (t) => void (t.serialNumber = new ArrayBuffer(0)) },
  { name: "a 21-octet serial", refuse: /serial must be 1–20 octets/, mutate: (t) => void (t.serialNumber = new Uint8Array(21).fill(0x11).buffer) },
  { name: "a negative serial", refuse: /serial must be positive/, mutate: (t) => void (t.serialNumber = new Uint8Array([0x80, 1]).buffer) },
  { name: "a zero serial", refuse: /serial must not be zero/, mutate: (t) => void (t.serialNumber = new Uint8Array([0]).buffer) },
  { name: "a signature algorithm of another key type", refuse: /signature algorithm does not match/, signer: "rsa-3072" },
  { name: "another issuer name", refuse: /issuer name is not the issuing CA's subject/, mutate: (t) => void (t.issuer = buildName([{ type: "O", value: "Acme" }, { type: "CN", value: "Other CA" }])) },
  {
    name: "times with milliseconds",
    refuse: /whole seconds/, mutate: (t) => {
      t.validity.notBefore.utcTime = undefined;
      t.validity.notBefore.generalTime = new Date(now.getTime() + 5);
    },
  },
  { name: "notAfter before notBefore", refuse: /notAfter must follow notBefore/, mutate: (t) => void (t.validity.notAfter.utcTime = new Date(now.getTime() - 1000)) },
  { name: "a validity past the issuer's", refuse: /past the issuer's/, issuer: (i) => ({ ...i, notAfter: new Date("2027-01-01T00:00:00Z") }) },
  { name: "an issuer that is no CA", refuse: /the issuer is not a CA/, issuer: (i) => ({ ...i, isCa: false }) },
  { name: "a CA below a path length of 0", refuse: /path length forbids issuing a CA/, profile: PROFILES.orgCa },
  { name: "a key type the profile does not allow (EC for a plugin)", refuse: /key type ecdsa-p256 is not allowed for plugin/, mutate: (t) => void (t.subjectPublicKeyInfo = AsnConvert.parse(ecKey, SubjectPublicKeyInfo)) },
  {
    name: "a key that is no RSA key (three bytes under the RSA OID)",
    refuse: /subject public key/,
    mutate: (t) => {
      t.subjectPublicKeyInfo.subjectPublicKey = new Uint8Array([0, 1, 2]).buffer;
    },
  },
  { name: "a subject without CN", refuse: /subject needs a CN/, mutate: (t) => void (t.subject = buildName([{ type: "O", value: "Acme" }])) },
  { name: "a subject without O", refuse: /subject needs an O/, mutate: (t) => void (t.subject = buildName([{ type: "CN", value: "com.acme.tool" }])) },
  { name: "another organization's O", refuse: /must carry its organization CA's O/, mutate: (t) => void (t.subject = buildName([{ type: "O", value: "Evil" }, { type: "CN", value: "com.acme.tool" }])) },
  { name: "an extension twice", refuse: /appears twice/, mutate: (t) => void t.extensions!.push(ext(t, OIDS.keyUsage)) },
  { name: "an extension outside the profile (nameConstraints on a leaf)", refuse: /is not in the plugin profile/, mutate: (t) => void t.extensions!.push(new Extension({ extnID: OIDS.nameConstraints, critical: true, extnValue: new OctetString(new Uint8Array([0x30, 0])) })) },
  { name: "a missing extension (no CRL distribution point)", refuse: new RegExp(`extension ${OIDS.crlDistributionPoints} is missing`), mutate: (t) => void t.extensions!.splice(t.extensions!.indexOf(ext(t, OIDS.crlDistributionPoints)), 1) },
  { name: "keyUsage not critical", refuse: /wrong criticality/, mutate: (t) => void (ext(t, OIDS.keyUsage).critical = false) },
  { name: "CA:TRUE on a plugin certificate", refuse: /CA flag differs/, mutate: (t) => setExtValue(t, OIDS.basicConstraints, new BasicConstraints({ cA: true })) },
  { name: "a path length on a leaf", refuse: /pathLen differs/, mutate: (t) => setExtValue(t, OIDS.basicConstraints, new BasicConstraints({ cA: false, pathLenConstraint: 3 })) },
  { name: "keyCertSign on a plugin certificate", refuse: /keyUsage differs/, mutate: (t) => setExtValue(t, OIDS.keyUsage, new KeyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyCertSign)) },
  { name: "serverAuth instead of codeSigning", refuse: /extendedKeyUsage differs/, mutate: (t) => setExtValue(t, OIDS.extKeyUsage, new ExtendedKeyUsage(["1.3.6.1.5.5.7.3.1"])) },
];

describe("checkTbsAgainstProfile", () => {
  it("accepts the plugin TBS Signet's issuance builds (the baseline every row mutates)", async () => {
    const issuer = await orgIssuer();
    expect(() => checkTbsAgainstProfile(AsnConvert.serialize(pluginTbs(issuer)) as never, PROFILES.plugin, issuer, "ecdsa-p256")).not.toThrow();
  });

  it.each(rows)("refuses $name", async (row) => {
    const issuer = await orgIssuer();
    const tbs = pluginTbs(issuer);
    row.mutate?.(tbs);
    const der = new Uint8Array(AsnConvert.serialize(tbs));
    const run = () => checkTbsAgainstProfile(der, row.profile ?? PROFILES.plugin, row.issuer ? row.issuer(issuer) : issuer, row.signer ?? "ecdsa-p256");
    expect(run).toThrow(ProfileViolation);
    expect(run).toThrow(row.refuse);
  });

  it("refuses ocsp-nocheck that is not NULL on a responder certificate", async () => {
    const issuer = await orgIssuer();
    const prepared = prepareCertificate({ profile: PROFILES.ocspResponder, subject: [{ type: "O", value: "Acme" }, { type: "CN", value: "Acme CA OCSP Responder" }], subjectPublicKeySpki: ecKey, serial: randomSerial(), notBefore: now, notAfter: later, issuer, signerAlgorithm: "ecdsa-p256" });
    checkTbsAgainstProfile(prepared.tbsDer, PROFILES.ocspResponder, issuer, "ecdsa-p256");
    const tbs = AsnConvert.parse(prepared.tbsDer, TBSCertificate);
    ext(tbs, OIDS.ocspNoCheck).extnValue = new OctetString(new Uint8Array([0x04, 0x00]));
    expect(() => checkTbsAgainstProfile(new Uint8Array(AsnConvert.serialize(tbs)), PROFILES.ocspResponder, issuer, "ecdsa-p256")).toThrow(/ocsp-nocheck must carry NULL/);
  });

  it("keeps a subject name the profile built from an org name with a comma as one O (no DN injection)", async () => {
    const issuer = { ...(await orgIssuer()), nameDer: new Uint8Array(AsnConvert.serialize(buildName([{ type: "O", value: "Acme, Inc." }, { type: "CN", value: "Acme, Inc. CA" }]))) };
    const prepared = prepareCertificate({ profile: PROFILES.plugin, subject: pluginSubject("Acme, Inc.", "com.acme.tool"), subjectPublicKeySpki: pluginKey, serial: randomSerial(), notBefore: now, notAfter: later, issuer, signerAlgorithm: "ecdsa-p256", orgName: "Acme, Inc.", urls });
    checkTbsAgainstProfile(prepared.tbsDer, PROFILES.plugin, issuer, "ecdsa-p256");
    const subject = AsnConvert.parse(prepared.tbsDer, TBSCertificate).subject as Name;
    expect(subject.length).toBe(2);
  });
});
