// Property tests: whatever bytes arrive as an "archive", reading it (entries, manifest, every
// entry's content) ends in success or an ArchiveError — never another exception, never a hang.
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { ArchiveError } from "./archive-error";
import { readManifest } from "./manifest";
import { SafeArchive } from "./read-archive";
import { manifest, tempDir, zipTo } from "./test-fixtures";

const dir = tempDir("signet-archive-prop-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function readFully(bytes: Uint8Array): Promise<"read" | string> {
  const file = path.join(dir, `p${n++}.zip`);
  fs.writeFileSync(file, bytes);
  try {
    const archive = await SafeArchive.open(file);
    try {
      await readManifest(archive);
      for (const entry of archive.entries) for await (const _ of await archive.openEntry(entry)) void _;
      return "read";
    } finally {
      archive.close();
    }
  } catch (err) {
    if (err instanceof ArchiveError) return err.code;
    throw err;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

describe("archive reading under hostile input", async () => {
  const valid = fs.readFileSync(
    await zipTo(path.join(dir, "valid.zip"), [manifest("com.acme.prop"), { name: "data/", dir: true }, { name: "data/a.txt", content: "hello ".repeat(200) }, { name: "lib/x86_64-linux-gnu/libp.so", content: "\u007fELF".repeat(50) }]),
  );

  it("reads the valid archive the mutations start from", async () => {
    expect(await readFully(valid)).toBe("read");
  });

  it("answers random bytes with an ArchiveError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        expect(await readFully(bytes)).not.toBe("read");
      }),
      { numRuns: 300 },
    );
  });

  it("answers flipped bytes, truncations and splices of a valid archive with success or an ArchiveError", async () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("flip" as const), at: fc.nat({ max: valid.length - 1 }), xor: fc.integer({ min: 1, max: 255 }) }),
      fc.record({ kind: fc.constant("cut" as const), at: fc.nat({ max: valid.length - 1 }) }),
      fc.record({ kind: fc.constant("splice" as const), at: fc.nat({ max: valid.length - 1 }), junk: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
    );
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        let bytes: Buffer;
        if (m.kind === "flip") {
          bytes = Buffer.from(valid);
          bytes[m.at] ^= m.xor;
        } else if (m.kind === "cut") bytes = valid.subarray(0, m.at);
        else bytes = Buffer.concat([valid.subarray(0, m.at), m.junk, valid.subarray(m.at)]);
        await readFully(bytes);
      }),
      { numRuns: 600 },
    );
  });
});
