// Property tests: whatever bytes arrive as a ".mender", checking it ends in a verdict or an
// ArchiveError — never another exception, never a hang — and signing refuses all but intact input.
import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveError } from "../jpl/archive-error";
import { mutatedBytes } from "../archive/test-mutations";
import { tempDir } from "../jpl/test-fixtures";
import { softwareSigner, generateKeyPair, type Signer } from "../signer";
import { menderPublicKeyFile } from "./key-file";
import { readMenderArtifact } from "./read-artifact";
import { signMenderArtifact } from "./sign-artifact";
import { verifyMenderArtifact } from "./verify-artifact";

const dir = tempDir("signet-mender-prop-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
let signer: Signer;
let unsigned: Buffer;
let signed: Buffer;
let keyFile: string;

beforeAll(async () => {
  signer = softwareSigner(generateKeyPair("ecdsa-p256").privateKey);
  keyFile = path.join(dir, "key.pem");
  fs.writeFileSync(keyFile, menderPublicKeyFile(signer.publicKeySpki));
  const work = fs.mkdtempSync(path.join(dir, "src-"));
  fs.writeFileSync(path.join(work, "a.sh"), "#!/bin/sh\necho hi\n");
  fs.writeFileSync(path.join(work, "b.bin"), crypto.randomBytes(3000));
  const out = path.join(dir, "valid.mender");
  execFileSync("mender-artifact", ["write", "module-image", "-T", "script", "-n", "prop", "-t", "dev", "-o", out, "-f", path.join(work, "a.sh"), "-f", path.join(work, "b.bin")], { stdio: "ignore" });
  unsigned = fs.readFileSync(out);
  await signMenderArtifact({ inputPath: out, outputPath: path.join(dir, "signed.mender"), signer });
  signed = fs.readFileSync(path.join(dir, "signed.mender"));
});

async function check(bytes: Uint8Array): Promise<string> {
  const file = path.join(dir, `p${n++}.mender`);
  fs.writeFileSync(file, bytes);
  try {
    const verdict = await verifyMenderArtifact(file, [signer.publicKeySpki]);
    try {
      await readMenderArtifact(file, { allowSignature: true });
    } catch (err) {
      if (!(err instanceof ArchiveError)) throw err;
    }
    return verdict.valid ? "valid" : (verdict.code ?? "invalid");
  } finally {
    fs.rmSync(file, { force: true });
  }
}

describe("Mender artifact reading under hostile input", () => {
  it("verifies the signed artifact the mutations start from", async () => {
    expect(await check(signed)).toBe("valid");
  });

  it("answers random bytes with a refusal", async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
      expect(await check(bytes)).not.toBe("valid");
    }), { numRuns: 200 });
  });

  it("answers flipped bytes, truncations and splices of a signed artifact with a verdict, never a crash", async () => {
    await fc.assert(fc.asyncProperty(mutatedBytes(signed), async (bytes) => void (await check(bytes))), { numRuns: 400 });
  });

  let accepted = 0;
  it("never signs a mutated artifact unless its manifest, checksums and structure all still hold", async () => {
    await fc.assert(
      fc.asyncProperty(mutatedBytes(unsigned), async (bytes) => {
        const input = path.join(dir, `u${n++}.mender`);
        const output = `${input}.signed`;
        fs.writeFileSync(input, bytes);
        try {
          await signMenderArtifact({ inputPath: input, outputPath: output, signer });
          // Accepted (a flip in padding, say): then what was signed is an artifact Signet's verifier and mender-artifact accept.
          expect((await verifyMenderArtifact(output, [signer.publicKeySpki])).valid).toBe(true);
          accepted++;
          execFileSync("mender-artifact", ["validate", output, "-k", keyFile], { stdio: "ignore" });
        } catch (err) {
          expect(err).toBeInstanceOf(ArchiveError);
          expect(fs.existsSync(output)).toBe(false);
        } finally {
          fs.rmSync(input, { force: true });
          fs.rmSync(output, { force: true });
        }
      }),
      { numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
