import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { certificateInfo, prepareCertificate, toPem } from "../certificate/issue";
import { PROFILES } from "../certificate/profiles";
import { generateKeyPair, softwareSigner, spkiOf } from "../signer";
import { makeHierarchy, tempDir, type TestHierarchy } from "../jpl/test-fixtures";
import { certificatesFromPem } from "./parse-certificate";
import { validateChain } from "./validate-chain";

const dir = tempDir("signet-chain-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let pki: TestHierarchy;
const now = new Date();

function opensslAccepts(leaf: Uint8Array, org: Uint8Array, root: Uint8Array): boolean {
  const w = (name: string, der: Uint8Array) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, toPem(der, "CERTIFICATE"));
    return p;
  };
  try {
    execFileSync("openssl", ["verify", "-CAfile", w("root.pem", root), "-untrusted", w("org.pem", org), w("leaf.pem", leaf)], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  pki = await makeHierarchy();
});

describe("chain validation", () => {
  it("accepts plugin → org CA → root, with or without the root in the chain, as openssl does", () => {
    expect(opensslAccepts(pki.pluginDer, pki.orgCaDer, pki.rootDer)).toBe(true);
    const result = validateChain(pki.chainDer, [pki.rootDer], now);
    expect(result.problems).toEqual([]);
    expect(result.trusted).toBe(true);
    expect(result.path.map((c) => c.subject)).toEqual(["O=Acme Plugins, CN=com.acme.demo", "O=Acme Plugins, CN=Acme Plugins CA", "CN=Test Store Root"]);
    expect(validateChain([...pki.chainDer, pki.rootDer], [pki.rootDer], now).trusted).toBe(true);
  });

  it("refuses a leaf named outside the org CA's name constraints, as openssl does", async () => {
    const key = generateKeyPair("rsa-2048");
    // A hierarchy whose org CA key we hold, so the outsider carries a genuine org CA signature
    // and only its name is wrong.
    const h = await makeHierarchyWithOrgKey();
    // Our issuance refuses this name, so the TBS is prepared and signed here, bypassing the profile check.
    const prepared = prepareCertificate({ profile: PROFILES.plugin, subject: [{ type: "O", value: "Other Corp" }, { type: "CN", value: "com.other.x" }], subjectPublicKeySpki: spkiOf(key.publicKey), serial: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), notBefore: now, notAfter: new Date(now.getTime() + 86_400_000), issuer: { nameDer: certificateInfo(h.orgCaDer).subjectDer, keyIdentifier: certificateInfo(h.orgCaDer).subjectKeyIdentifier }, signerAlgorithm: h.orgSigner.algorithm, urls: { crlUrl: "http://x/c", ocspUrl: "http://x/o", caIssuersUrl: "http://x/i" } });
    const signature = await h.orgSigner.sign(prepared.tbsDer, prepared.hash);
    const outsider = new Uint8Array(AsnConvert.serialize(new Certificate({ tbsCertificate: prepared.tbs, signatureAlgorithm: prepared.tbs.signature, signatureValue: signature.slice().buffer })));
    expect(opensslAccepts(outsider, h.orgCaDer, h.rootDer)).toBe(false);
    const result = validateChain([outsider, h.orgCaDer], [h.rootDer], now);
    expect(result.trusted).toBe(false);
    expect(result.problems.join()).toMatch(/outside the names/);
  });

  it("refuses a tampered certificate, an unknown root and an expired leaf", () => {
    const tampered = Buffer.from(pki.pluginDer);
    tampered[tampered.indexOf(Buffer.from("com.acme.demo"))] = "C".charCodeAt(0);
    const t = validateChain([tampered, pki.orgCaDer], [pki.rootDer], now);
    expect(t.trusted).toBe(false);
    expect(t.problems.join()).toMatch(/does not verify/);
    expect(validateChain(pki.chainDer, [], now).problems.join()).toMatch(/does not lead to a trusted root/);
    expect(validateChain(pki.chainDer, [pki.rootDer], new Date(now.getTime() + 400 * 86_400_000)).problems.join()).toMatch(/expired/);
  });

  it("refuses a chain where the org CA is skipped (leaf presented directly under the root)", () => {
    const result = validateChain([pki.pluginDer], [pki.rootDer], now);
    expect(result.trusted).toBe(false);
  });

  it("reads PEM bundles strictly", () => {
    const pem = toPem(pki.pluginDer, "CERTIFICATE") + toPem(pki.orgCaDer, "CERTIFICATE");
    expect(certificatesFromPem(pem)).toHaveLength(2);
    expect(() => certificatesFromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")).toThrow(/unexpected PEM block/);
    expect(() => certificatesFromPem("nothing here")).toThrow(/no PEM/);
  });
});

/** Like makeHierarchy, but keeps the org CA's signer for issuing odd certificates under it. */
async function makeHierarchyWithOrgKey() {
  const { issueOrgCa, issueRootCa } = await import("../certificate/issue");
  const rootKeys = generateKeyPair("ecdsa-p256");
  const rootSigner = softwareSigner(rootKeys.privateKey);
  const day = 86_400_000;
  const rootDer = await issueRootCa({ signer: rootSigner, commonName: "NC Root", serial: new Uint8Array([9, 1, 2, 3, 4, 5, 6, 7]), notBefore: new Date(now.getTime() - day), notAfter: new Date(now.getTime() + 10 * day) });
  const orgKeys = generateKeyPair("ecdsa-p256");
  const orgCaDer = await issueOrgCa({ issuer: certificateInfo(rootDer), issuerSigner: rootSigner, orgName: "Acme Plugins", subjectPublicKeySpki: spkiOf(orgKeys.publicKey), serial: new Uint8Array([9, 2, 2, 3, 4, 5, 6, 7]), notBefore: new Date(now.getTime() - day), notAfter: new Date(now.getTime() + 5 * day), urls: { crlUrl: "http://x/c", ocspUrl: "http://x/o", caIssuersUrl: "http://x/i" } });
  return { rootDer, orgCaDer, orgSigner: softwareSigner(orgKeys.privateKey) };
}
