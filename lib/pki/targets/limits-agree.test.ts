// Signer and verifier limits agree for every format that adds entries when it signs: an upload at the
// signer's input limit signs into an artifact that Signet's verifier, under the same limits, accepts;
// one entry more is refused by the signer (too_many_entries) rather than signed into something refused.
// (A 20,000-entry .jpl used to be signed into 20,003 entries, which the verifier refused.)
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, type ArchiveLimits } from "../jpl/archive-error";
import { makeHierarchy, manifest, tempDir, zipTo, type FixtureEntry, type TestHierarchy } from "../jpl/test-fixtures";
import { signArchive } from "../jpl/sign-archive";
import { verifyPluginArchive } from "../jpl/verify-plugin-archive";
import { signGrafanaPlugin } from "../grafana/sign-plugin";
import { verifyGrafanaPlugin } from "../grafana/verify-plugin";
import { signDifyPackage } from "../dify/sign-package";
import { verifyDifyPackage } from "../dify/verify-package";
import { signMenderArtifact } from "../mender/sign-artifact";
import { verifyMenderArtifact } from "../mender/verify-artifact";
import { DEFAULT_MENDER_LIMITS } from "../mender/read-artifact";
import { generateKeyPairAsync, softwareSigner, type Signer } from "../signer";

const dir = tempDir("signet-limits-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (name: string) => path.join(dir, `${n++}-${name}`);
const NOW = new Date("2026-11-30T12:00:00Z");
const MAX = 12;
const limits: ArchiveLimits = { ...DEFAULT_LIMITS, maxEntries: MAX };
const files = (count: number, prefix = ""): FixtureEntry[] => Array.from({ length: count }, (_, i) => ({ name: `${prefix}f-${i}.txt`, content: `file ${i}\n` }));
const hasMender = spawnSync("sh", ["-c", "command -v mender-artifact"]).status === 0;

let pki: TestHierarchy;
let rsa: Signer;
beforeAll(async () => {
  pki = await makeHierarchy({ pluginId: "com.acme.limits" });
  rsa = softwareSigner((await generateKeyPairAsync("rsa-4096")).privateKey);
});

describe("signer and verifier limits agree", () => {
  it("jami: the signer takes at most maxEntries − 3 entries (it adds signatures, signatures.sig and the .crt); what it signs verifies", async () => {
    const atLimit = await zipTo(file("ok.jpl"), [manifest("com.acme.limits"), ...files(MAX - 4)]);
    const out = file("ok-signed.jpl");
    const signed = await signArchive({ inputPath: atLimit, outputPath: out, privateKey: pki.pluginKey, chainDer: pki.chainDer, limits });
    expect(signed.files.length).toBe(MAX - 3);
    const report = await verifyPluginArchive(out, { trustedRoots: [pki.rootDer], now: new Date(), limits });
    expect(report.problems).toEqual([]);
    expect(report.valid).toBe(true);
    const over = await zipTo(file("over.jpl"), [manifest("com.acme.limits"), ...files(MAX - 3)]);
    await expect(signArchive({ inputPath: over, outputPath: file("over-signed.jpl"), privateKey: pki.pluginKey, chainDer: pki.chainDer, limits })).rejects.toMatchObject({ code: "too_many_entries" });
  });

  it("grafana: at most maxEntries − 1 (it adds MANIFEST.txt); what it signs verifies", async () => {
    const id = "acme-limits-panel";
    const entries = (count: number) => [{ name: `${id}/plugin.json`, content: JSON.stringify({ id, type: "panel", name: "L", info: { version: "1.0.0" } }) }, ...files(count, `${id}/`)];
    const key = { spki: rsa.publicKeySpki, createdAt: new Date("2026-01-01T00:00:00Z") };
    const sign = (input: string, output: string) => signGrafanaPlugin({ inputPath: input, outputPath: output, signer: rsa, key, signatureType: "community", signedByOrg: "acme", signedByOrgName: "Acme", now: NOW, limits });
    const out = file("ok-signed.zip");
    const signed = await sign(await zipTo(file("ok.zip"), entries(MAX - 2)), out);
    expect(signed.files.length).toBe(MAX);
    const verdict = await verifyGrafanaPlugin({ zipPath: out, keys: [key], now: NOW, limits });
    expect(verdict.status).toBe("valid");
    await expect(sign(await zipTo(file("over.zip"), entries(MAX - 1)), file("over-signed.zip"))).rejects.toMatchObject({ code: "too_many_entries" });
  });

  it("dify: at most maxEntries − 1 (it adds .verification.dify.json); what it signs verifies", async () => {
    const entries = (count: number) => [{ name: "manifest.yaml", content: "version: 0.0.1\ntype: plugin\nauthor: acme\nname: limits\nlabel:\n  en_US: L\ncreated_at: 2026-11-01T10:00:00Z\n" }, ...files(count)];
    const sign = (input: string, output: string) => signDifyPackage({ inputPath: input, outputPath: output, signer: rsa, authorizedCategory: "community", now: NOW, limits });
    const out = file("ok-signed.difypkg");
    const signed = await sign(await zipTo(file("ok.difypkg"), entries(MAX - 2)), out);
    expect(signed.files.length).toBe(MAX);
    const verdict = await verifyDifyPackage(out, [rsa.publicKeySpki], limits);
    expect(verdict.problems).toEqual([]);
    expect(verdict.valid).toBe(true);
    await expect(sign(await zipTo(file("over.difypkg"), entries(MAX - 1)), file("over-signed.difypkg"))).rejects.toMatchObject({ code: "too_many_entries" });
  });

  it.skipIf(!hasMender)("mender: at most maxEntries − 1 outer members (it adds manifest.sig); what it signs verifies", async () => {
    const payload = file("payload.bin");
    fs.writeFileSync(payload, crypto.randomBytes(1000));
    const artifact = file("a.mender");
    execFileSync("mender-artifact", ["write", "module-image", "-T", "script", "-n", "r1", "-t", "dev", "-o", artifact, "-f", payload], { stdio: "pipe" });
    // version, manifest, header.tar.gz, data/0000.tar.gz: 4 members unsigned, 5 signed.
    const menderLimits = (max: number) => ({ ...DEFAULT_MENDER_LIMITS, artifact: { ...DEFAULT_MENDER_LIMITS.artifact, maxEntries: max } });
    const signer = softwareSigner((await generateKeyPairAsync("rsa-3072")).privateKey);
    const out = file("signed.mender");
    await signMenderArtifact({ inputPath: artifact, outputPath: out, signer, limits: menderLimits(5) });
    const verdict = await verifyMenderArtifact(out, [signer.publicKeySpki], menderLimits(5));
    expect(verdict.problems).toEqual([]);
    expect(verdict.valid).toBe(true);
    await expect(signMenderArtifact({ inputPath: artifact, outputPath: file("over.mender"), signer, limits: menderLimits(4) })).rejects.toMatchObject({ code: "too_many_entries" });
  });
});
