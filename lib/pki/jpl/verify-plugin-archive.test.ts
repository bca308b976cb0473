import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toPem } from "../certificate/pem";
import { SafeArchive } from "./read-archive";
import { signArchive } from "./sign-archive";
import { makeHierarchy, pluginEntries, rewriteArchive, tempDir, zipTo, type TestHierarchy } from "./test-fixtures";
import { verifyPluginArchive, type VerifyDependencies } from "./verify-plugin-archive";
import { closePrimes, ecSpki, rsaSpki, withSubjectKey } from "../keys/test-keys";

const dir = tempDir("signet-verify-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const ID = "com.acme.verify";
let pki: TestHierarchy;
let signed = "";
let n = 0;
const file = (name: string) => path.join(dir, `${n++}-${name}`);
const good = (): VerifyDependencies => ({
  trustedRoots: [pki.rootDer],
  now: new Date(),
  certificateStatus: async () => ({ status: "good", source: "test" }),
  artifactStatus: async () => null,
});

const rewrite = (src: string, change: Parameters<typeof rewriteArchive>[2]) => rewriteArchive(src, file("rewritten.jpl"), change);

beforeAll(async () => {
  pki = await makeHierarchy({ pluginId: ID });
  signed = file("signed.jpl");
  await signArchive({ inputPath: await zipTo(file("in.jpl"), pluginEntries(ID, "3.1.4")), outputPath: signed, privateKey: pki.pluginKey, chainDer: pki.chainDer });
});

describe("verifying a signed archive", () => {
  it("reports every file valid, the chain good up to the trusted root", async () => {
    const report = await verifyPluginArchive(signed, good());
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ valid: true, pluginId: ID, version: "3.1.4", chainTrusted: true, artifactRevoked: false });
    expect(report.files.every((f) => f.state === "valid")).toBe(true);
    expect(report.files.map((f) => f.path)).toContain("lib/");
    expect(report.chain.map((c) => c.status)).toEqual(["good", "good", "trusted-root"]);
    expect(report.chain[0].subject).toBe(`O=Acme Plugins, CN=${ID}`);
  });

  it("marks one changed byte as modified, and the rest still valid", async () => {
    const archive = await SafeArchive.open(signed);
    const original = await archive.readEntry(archive.find("data/preferences.json")!, 10_000);
    archive.close();
    const changed = Buffer.from(original);
    changed[3] ^= 1;
    const report = await verifyPluginArchive(await rewrite(signed, { replace: { "data/preferences.json": changed } }), good());
    expect(report.valid).toBe(false);
    expect(report.files.find((f) => f.path === "data/preferences.json")?.state).toBe("modified");
    expect(report.files.filter((f) => f.state === "valid").length).toBe(report.files.length - 1);
  });

  it("marks an added file unsigned and a removed one as modified (missing)", async () => {
    const added = await verifyPluginArchive(await rewrite(signed, { add: [{ name: "data/extra.js", content: "alert(1)" }] }), good());
    expect(added.valid).toBe(false);
    expect(added.files.find((f) => f.path === "data/extra.js")?.state).toBe("unsigned");
    const removed = await verifyPluginArchive(await rewrite(signed, { drop: ["data/icon.svg"] }), good());
    expect(removed.valid).toBe(false);
    expect(removed.files.find((f) => f.path === "data/icon.svg")).toMatchObject({ state: "modified", detail: expect.stringMatching(/missing/) });
  });

  it("marks every file invalid when signatures.sig is bad, the certificate is not RSA, or the chain is untrusted", async () => {
    const badSig = await verifyPluginArchive(await rewrite(signed, { replace: { "signatures.sig": Buffer.alloc(256, 1) } }), good());
    expect(badSig.files.every((f) => f.state === "invalid")).toBe(true);
    expect(badSig.problems.join()).toMatch(/signatures\.sig/);
    const ecLeaf = await verifyPluginArchive(await rewrite(signed, { replace: { [`${ID}.crt`]: toPem(pki.orgCaDer, "CERTIFICATE") } }), good());
    expect(ecLeaf.files.every((f) => f.state === "invalid")).toBe(true);
    expect(ecLeaf.problems.join()).toMatch(/not RSA/);
    const otherRoot = await makeHierarchy({ pluginId: ID });
    const untrusted = await verifyPluginArchive(signed, { ...good(), trustedRoots: [otherRoot.rootDer] });
    expect(untrusted).toMatchObject({ valid: false, chainTrusted: false });
    expect(untrusted.files.every((f) => f.state === "invalid")).toBe(true);
    expect(untrusted.problems.join()).toMatch(/does not lead to a trusted root/);
  });

  it("reports an invalid or weak key in <id>.crt as invalid, without touching it natively (the process lives on)", async () => {
    const infinity = withSubjectKey(pki.pluginDer, ecSpki(new Uint8Array([0x00])));
    const report = await verifyPluginArchive(await rewrite(signed, { replace: { [`${ID}.crt`]: [infinity, pki.orgCaDer].map((d) => toPem(d, "CERTIFICATE")).join("") } }), good());
    expect(report.valid).toBe(false);
    expect(report.files.every((f) => f.state === "invalid")).toBe(true);
    expect(report.problems.join()).toMatch(/point at infinity/);
    // The same key as the org CA in the chain, and a Fermat-weak RSA leaf.
    const badCa = withSubjectKey(pki.orgCaDer, ecSpki(new Uint8Array([0x00])));
    const caReport = await verifyPluginArchive(await rewrite(signed, { replace: { [`${ID}.crt`]: [pki.pluginDer, badCa].map((d) => toPem(d, "CERTIFICATE")).join("") } }), good());
    expect(caReport).toMatchObject({ valid: false, chainTrusted: false });
    expect(caReport.problems.join()).toMatch(/point at infinity/);
    const [p, q] = closePrimes(2048);
    const weak = withSubjectKey(pki.pluginDer, rsaSpki(p * q));
    const weakReport = await verifyPluginArchive(await rewrite(signed, { replace: { [`${ID}.crt`]: [weak, pki.orgCaDer].map((d) => toPem(d, "CERTIFICATE")).join("") } }), good());
    expect(weakReport.valid).toBe(false);
    expect(weakReport.problems.join()).toMatch(/Fermat/);
  });

  it("is invalid, with the reason, when a certificate or the artifact is revoked", async () => {
    const revoked = await verifyPluginArchive(signed, {
      ...good(),
      certificateStatus: async (cert) => (cert.subject.includes(ID) ? { status: "revoked", reason: "keyCompromise", revokedAt: "2025-01-01T00:00:00.000Z", source: "test" } : { status: "good", source: "test" }),
    });
    expect(revoked.valid).toBe(false);
    expect(revoked.chain[0]).toMatchObject({ status: "revoked", revocation: { reason: "keyCompromise" } });
    expect(revoked.problems.join()).toMatch(/revoked \(keyCompromise\)/);
    expect(revoked.files.every((f) => f.state === "invalid")).toBe(true);
    const artifact = await verifyPluginArchive(signed, { ...good(), artifactStatus: async () => ({ revoked: true, reason: "ships a vulnerable library" }) });
    expect(artifact).toMatchObject({ valid: false, artifactRevoked: true, artifactRevocation: { reason: "ships a vulnerable library" } });
    const unknown = await verifyPluginArchive(signed, { ...good(), certificateStatus: async () => ({ status: "unknown", source: "test", detail: "responder unreachable" }) });
    expect(unknown.valid).toBe(false);
  });

  it("offline: valid, and says what it did not check", async () => {
    const report = await verifyPluginArchive(signed, { trustedRoots: [pki.rootDer], now: new Date() });
    expect(report.valid).toBe(true);
    expect(report.chain.map((c) => c.status)).toEqual(["unchecked", "unchecked", "trusted-root"]);
    expect(report.notes.join()).toMatch(/not checked \(offline\)/);
  });

  it("checks an expired chain against the verification time", async () => {
    const later = new Date(Date.now() + 2 * 365 * 86_400_000);
    const report = await verifyPluginArchive(signed, { ...good(), now: later });
    expect(report.valid).toBe(false);
    expect(report.problems.join()).toMatch(/expired/);
  });

  it("an unsigned upload is reported, not accepted", async () => {
    const report = await verifyPluginArchive(await zipTo(file("plain.jpl"), pluginEntries(ID)), good());
    expect(report.valid).toBe(false);
    expect(report.problems.join()).toMatch(/no 'com\.acme\.verify\.crt'/);
  });
});
