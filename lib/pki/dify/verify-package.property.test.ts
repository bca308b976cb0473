// Property tests: whatever bytes arrive as a ".difypkg", verifying it ends in a verdict — never an
// exception, never a hang — and signing ends in a package that verifies or in an ArchiveError.
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveError } from "../jpl/archive-error";
import { mutatedBytes } from "../archive/test-mutations";
import { tempDir, zipTo } from "../jpl/test-fixtures";
import { generateKeyPairAsync, softwareSigner, type Signer } from "../signer";
import { signDifyPackage } from "./sign-package";
import { verifyDifyPackage } from "./verify-package";

const dir = tempDir("signet-dify-prop-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
let signer: Signer;
let unsigned: Buffer;
let signed: Buffer;
const NOW = new Date("2026-11-30T12:00:00Z");

beforeAll(async () => {
  signer = softwareSigner((await generateKeyPairAsync("rsa-4096")).privateKey);
  const input = await zipTo(path.join(dir, "valid.difypkg"), [
    { name: "manifest.yaml", content: "version: 0.0.1\ntype: plugin\nauthor: acme\nname: prop\n" },
    { name: "main.py", content: "print('hello')\n".repeat(40) },
    { name: "_assets/icon.svg", content: "<svg/>", compress: false },
  ]);
  unsigned = fs.readFileSync(input);
  await signDifyPackage({ inputPath: input, outputPath: path.join(dir, "signed.difypkg"), signer, authorizedCategory: "community", now: NOW });
  signed = fs.readFileSync(path.join(dir, "signed.difypkg"));
});

async function verdict(bytes: Uint8Array): Promise<boolean> {
  const file = path.join(dir, `p${n++}.difypkg`);
  fs.writeFileSync(file, bytes);
  try {
    return (await verifyDifyPackage(file, [signer.publicKeySpki])).valid;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

describe("Dify package verification under hostile input", () => {
  it("verifies the signed package the mutations start from", async () => {
    expect(await verdict(signed)).toBe(true);
  });

  it("answers random bytes with an invalid verdict", async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
      expect(await verdict(bytes)).toBe(false);
    }), { numRuns: 200 });
  });

  it("answers flipped bytes, truncations and splices of a signed package with a verdict, never a crash", async () => {
    await fc.assert(fc.asyncProperty(mutatedBytes(signed), async (bytes) => void (await verdict(bytes))), { numRuns: 400 });
  });

  it("signs a mutated package only into one that verifies, else refuses it with an ArchiveError", async () => {
    await fc.assert(
      fc.asyncProperty(mutatedBytes(unsigned), async (bytes) => {
        const input = path.join(dir, `u${n++}.difypkg`);
        const output = `${input}.signed`;
        fs.writeFileSync(input, bytes);
        try {
          await signDifyPackage({ inputPath: input, outputPath: output, signer, authorizedCategory: "community", now: NOW });
          expect((await verifyDifyPackage(output, [signer.publicKeySpki])).valid).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(ArchiveError);
          expect(fs.existsSync(output)).toBe(false);
        } finally {
          fs.rmSync(input, { force: true });
          fs.rmSync(output, { force: true });
        }
      }),
      { numRuns: 200 },
    );
  });
});
