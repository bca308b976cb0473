import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateKeyPair, softwareSigner, spkiOf } from "../signer";
import { checkIssuedCertificate } from "./check-issued";
import { ProfileViolation } from "./check-profile";
import { certificateInfo, issueOcspResponderCertificate, issueOrgCa, issuePluginCertificate, issueRootCa, ocspResponderSubject, pluginSubject } from "./issue";
import { PROFILES } from "./profiles";
import { randomSerial } from "./serial";

const now = new Date("2026-12-01T12:00:00Z");
const later = new Date("2027-06-01T12:00:00Z");
const urls = { crlUrl: "https://signet.test/crl/ca1.crl", ocspUrl: "https://signet.test/ocsp", caIssuersUrl: "https://signet.test/ca/ca1.crt" };
const rootSigner = softwareSigner(generateKeyPair("ecdsa-p256").privateKey);
const orgSigner = softwareSigner(generateKeyPair("ecdsa-p256").privateKey);
const pluginKey = spkiOf(generateKeyPair("rsa-2048").privateKey);

async function hierarchy() {
  const rootDer = await issueRootCa({ signer: rootSigner, commonName: "Root", serial: randomSerial(), notBefore: now, notAfter: new Date("2036-01-01T00:00:00Z") });
  const orgDer = await issueOrgCa({ issuer: certificateInfo(rootDer), issuerSigner: rootSigner, orgName: "Acme", subjectPublicKeySpki: orgSigner.publicKeySpki, serial: randomSerial(), notBefore: now, notAfter: new Date("2028-01-01T00:00:00Z"), urls });
  return { orgDer, org: certificateInfo(orgDer) };
}

const expected = (orgDer: Uint8Array, u = urls) => ({ profile: PROFILES.plugin, issuerDer: orgDer, subject: (cn: string) => pluginSubject("Acme", cn), orgName: "Acme", urls: u });

describe("checkIssuedCertificate", () => {
  it("accepts exactly what Signet's own issuance builds, and reports its facts", async () => {
    const { orgDer, org } = await hierarchy();
    const der = await issuePluginCertificate({ issuer: org, issuerSigner: orgSigner, orgName: "Acme", pluginId: "com.acme.tool", subjectPublicKeySpki: pluginKey, serial: randomSerial(), notBefore: now, notAfter: later, urls });
    const info = checkIssuedCertificate(der, expected(orgDer));
    expect(info.commonName).toBe("com.acme.tool");
    expect(info.subject).toBe("O=Acme, CN=com.acme.tool");
  });

  it("refuses other URLs, another signer, another O, a wrong key for a responder, and bytes that are no certificate", async () => {
    const { orgDer, org } = await hierarchy();
    const plugin = (signer = orgSigner, orgName = "Acme") =>
      issuePluginCertificate({ issuer: org, issuerSigner: signer, orgName, pluginId: "com.acme.tool", subjectPublicKeySpki: pluginKey, serial: randomSerial(), notBefore: now, notAfter: later, urls });
    const der = await plugin();
    expect(() => checkIssuedCertificate(der, expected(orgDer, { ...urls, crlUrl: "https://elsewhere.test/x.crl" }))).toThrow(/differs from Signet's plugin profile/);
    const forger = softwareSigner(generateKeyPair("ecdsa-p256").privateKey);
    const forged = await plugin(forger);
    expect(() => checkIssuedCertificate(forged, expected(orgDer))).toThrow(/signature does not verify/);
    // Signet's own issuance (server or `signet issue`) refuses another O: check-profile runs before signing.
    await expect(plugin(orgSigner, "Evil")).rejects.toThrow(ProfileViolation);
    const flipped = Buffer.from(der);
    flipped[flipped.length - 10] ^= 1;
    expect(() => checkIssuedCertificate(flipped, expected(orgDer))).toThrow(ProfileViolation);
    expect(() => checkIssuedCertificate(crypto.randomBytes(40), expected(orgDer))).toThrow(ProfileViolation);

    const responderKey = softwareSigner(generateKeyPair("ecdsa-p256").privateKey).publicKeySpki;
    const responder = await issueOcspResponderCertificate({ issuer: org, issuerSigner: orgSigner, subjectPublicKeySpki: responderKey, serial: randomSerial(), notBefore: now, notAfter: later });
    const asResponder = { profile: PROFILES.ocspResponder, issuerDer: orgDer, subject: () => ocspResponderSubject(org) };
    expect(checkIssuedCertificate(responder, { ...asResponder, subjectPublicKeySpki: responderKey }).subject).toContain("OCSP Responder");
    expect(() => checkIssuedCertificate(responder, { ...asResponder, subjectPublicKeySpki: pluginKey })).toThrow(/expected key/);
    // A plugin certificate is not a responder certificate, whatever its key.
    expect(() => checkIssuedCertificate(der, { ...asResponder, subjectPublicKeySpki: pluginKey })).toThrow(ProfileViolation);
  });
});
