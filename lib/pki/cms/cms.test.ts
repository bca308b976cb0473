import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toPem } from "../certificate/pem";
import { softwareSigner } from "../signer";
import { makeHierarchy, tempDir, type TestHierarchy } from "../jpl/test-fixtures";
import { createDetachedSignature } from "./signed-data";
import { verifyDetachedSignature } from "./verify-signed-data";

const dir = tempDir("signet-cms-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let pki: TestHierarchy;
const digests = (bytes: Buffer) => ({ sha256: crypto.createHash("sha256").update(bytes).digest(), sha512: crypto.createHash("sha512").update(bytes).digest() });

function opensslVerify(p7s: string, content: string, root: string): { ok: boolean; output: string } {
  try {
    const output = execFileSync("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", p7s, "-content", content, "-CAfile", root, "-purpose", "any", "-out", "/dev/null"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return { ok: true, output };
  } catch (err) {
    return { ok: false, output: String((err as { stderr?: string }).stderr ?? err) };
  }
}

beforeAll(async () => {
  pki = await makeHierarchy({ pluginKey: "rsa-3072" });
  fs.writeFileSync(path.join(dir, "root.pem"), pki.rootPem);
});

describe("detached CMS signature", () => {
  it("verifies with stock openssl cms -verify, and fails on one changed byte", async () => {
    const content = crypto.randomBytes(300_000);
    const contentPath = path.join(dir, "plugin.jpl");
    fs.writeFileSync(contentPath, content);
    const signingTime = new Date("2031-02-03T04:05:06.789Z");
    const p7s = await createDetachedSignature({ contentSha256: digests(content).sha256, certificatesDer: pki.chainDer, signer: softwareSigner(pki.pluginKey), signingTime });
    const p7sPath = path.join(dir, "plugin.jpl.p7s");
    fs.writeFileSync(p7sPath, p7s);
    const verified = opensslVerify(p7sPath, contentPath, path.join(dir, "root.pem"));
    expect(verified.output).toBe("");
    expect(verified.ok).toBe(true);
    const printed = execFileSync("openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", p7sPath], { encoding: "utf8" });
    expect(printed).toMatch(/signingTime[\s\S]*UTCTIME:Feb  3 04:05:06 2031 GMT/);
    expect(printed).toMatch(/eContent: <ABSENT>/);
    expect(printed).toMatch(/d\.issuerAndSerialNumber/);
    expect(printed).toMatch(/digestAlgorithm:\s+algorithm: sha256/);
    // openssl's own parse of the certificates: plugin certificate and org CA are both enclosed.
    const certs = execFileSync("openssl", ["pkcs7", "-print_certs", "-inform", "DER", "-in", p7sPath], { encoding: "utf8" });
    expect(certs).toContain("CN = com.acme.demo");
    expect(certs).toContain("CN = Acme Plugins CA");

    const tampered = Buffer.from(content);
    tampered[12345] ^= 1;
    const tamperedPath = path.join(dir, "tampered.jpl");
    fs.writeFileSync(tamperedPath, tampered);
    const refused = opensslVerify(p7sPath, tamperedPath, path.join(dir, "root.pem"));
    expect(refused.ok).toBe(false);
    expect(refused.output).toMatch(/Verification failure/);
  });

  it("our verifier agrees with openssl: good signature, wrong content, wrong signer", async () => {
    const content = Buffer.from("the signed archive bytes");
    const p7s = await createDetachedSignature({ contentSha256: digests(content).sha256, certificatesDer: pki.chainDer, signer: softwareSigner(pki.pluginKey), signingTime: new Date() });
    const good = verifyDetachedSignature(p7s, digests(content));
    expect(good.problems).toEqual([]);
    expect(good.valid).toBe(true);
    expect(Buffer.from(good.signer!.der).equals(Buffer.from(pki.pluginDer))).toBe(true);
    expect(good.certificatesDer).toHaveLength(2);
    const wrong = verifyDetachedSignature(p7s, digests(Buffer.from("other bytes")));
    expect(wrong.valid).toBe(false);
    expect(wrong.problems.join()).toMatch(/messageDigest/);
    // A flipped bit in the RSA signature value.
    const broken = Buffer.from(p7s);
    broken[broken.length - 10] ^= 0x40;
    const bad = verifyDetachedSignature(broken, digests(content));
    expect(bad.valid).toBe(false);
    expect(bad.problems.join()).toMatch(/does not verify/);
    expect(verifyDetachedSignature(Buffer.from("garbage"), digests(content)).valid).toBe(false);
  });

  it("refuses to sign with a key that is not the signer certificate's", async () => {
    const other = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    await expect(createDetachedSignature({ contentSha256: Buffer.alloc(32), certificatesDer: pki.chainDer, signer: softwareSigner(other), signingTime: new Date() })).rejects.toThrow(/does not match/);
  });

  it("emits strict DER (openssl re-encodes it to the same bytes)", async () => {
    const p7s = await createDetachedSignature({ contentSha256: Buffer.alloc(32, 1), certificatesDer: pki.chainDer, signer: softwareSigner(pki.pluginKey), signingTime: new Date() });
    const p = path.join(dir, "der.p7s");
    fs.writeFileSync(p, p7s);
    const reencoded = execFileSync("openssl", ["cms", "-cmsout", "-inform", "DER", "-in", p, "-outform", "DER"]);
    expect(Buffer.from(reencoded).equals(Buffer.from(p7s))).toBe(true);
    expect(toPem(p7s, "CMS")).toContain("BEGIN CMS");
  });
});
