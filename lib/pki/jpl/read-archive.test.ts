import path from "node:path";
import fs from "node:fs";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { ArchiveError, DEFAULT_LIMITS } from "./archive-error";
import { readManifest } from "./manifest";
import { SafeArchive } from "./read-archive";
import { manifest, patchBytes, patchCentral, tempDir, zipTo, type FixtureEntry } from "./test-fixtures";

const dir = tempDir("signet-read-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const make = (entries: FixtureEntry[]) => zipTo(path.join(dir, `a${n++}.zip`), entries);

async function refusal(file: string, limits = DEFAULT_LIMITS): Promise<ArchiveError> {
  try {
    const archive = await SafeArchive.open(file, limits);
    try {
      for (const entry of archive.entries) for await (const _ of await archive.openEntry(entry)) void _;
    } finally {
      archive.close();
    }
  } catch (err) {
    expect(err).toBeInstanceOf(ArchiveError);
    return err as ArchiveError;
  }
  throw new Error("the archive was accepted");
}

function zeros(bytes: number): () => Readable {
  return () => Readable.from((function* () {
    const chunk = Buffer.alloc(64 * 1024);
    for (let left = bytes; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
  })());
}

describe("safe archive reading", () => {
  it("reads a well-formed archive, directories and all", async () => {
    const file = await make([manifest("com.acme.ok"), { name: "data/", dir: true }, { name: "data/a.txt", content: "hello" }]);
    const archive = await SafeArchive.open(file);
    expect(archive.entries.map((e) => [e.name, e.isDirectory])).toEqual([["manifest.json", false], ["data/", true], ["data/a.txt", false]]);
    expect((await readManifest(archive)).id).toBe("com.acme.ok");
    expect((await archive.readEntry(archive.find("data/a.txt")!, 100)).toString()).toBe("hello");
    archive.close();
  });

  it.each([
    ["zip-slip (..)", "xx/evil.txt", "../evil.txt", "parent_path"],
    ["deep zip-slip", "data/xx/xx/e.txt", "data/../../e.txt", "parent_path"],
    ["absolute path", "Xetc/passwd", "/etc/passwd", "absolute_path"],
    ["backslash", "data/evil.txt", "data\\evil.txt", "backslash_path"],
    ["drive letter", "Cx/evil.txt", "C:/evil.txt", "drive_letter"],
  ])("refuses %s", async (_label, placeholder, hostile, code) => {
    const file = await make([manifest("com.acme.x"), { name: placeholder, content: "pwned" }]);
    patchBytes(file, placeholder, hostile);
    expect((await refusal(file)).code).toBe(code);
  });

  it("refuses duplicate entry names, and a file and directory of the same name", async () => {
    expect((await refusal(await make([manifest("com.acme.x"), { name: "a.txt", content: "1" }, { name: "a.txt", content: "2" }]))).code).toBe("duplicate_entry");
    expect((await refusal(await make([manifest("com.acme.x"), { name: "data", content: "1" }, { name: "data/", dir: true }]))).code).toBe("duplicate_entry");
  });

  it("refuses symbolic links, by Unix mode and by Windows reparse-point attribute", async () => {
    expect((await refusal(await make([manifest("com.acme.x"), { name: "link", content: "/etc/passwd", mode: 0o120777 }]))).code).toBe("symlink");
    const file = await make([manifest("com.acme.x"), { name: "link", content: "x" }]);
    patchCentral(file, "link", "versionMadeBy", 0x0014); // made on MS-DOS/Windows
    patchCentral(file, "link", "externalAttributes", 0x400);
    expect((await refusal(file)).code).toBe("symlink");
  });

  it("refuses a zip bomb by its declared ratio before inflating anything", async () => {
    const file = await make([manifest("com.acme.x"), { name: "bomb.bin", stream: zeros(40 * 1024 * 1024) }]);
    const err = await refusal(file);
    expect(err.code).toBe("compression_ratio");
    expect(err.entry).toBe("bomb.bin");
  });

  it("stops a bomb whose header lies while inflating it", async () => {
    const file = await make([manifest("com.acme.x"), { name: "bomb.bin", stream: zeros(40 * 1024 * 1024) }]);
    patchCentral(file, "bomb.bin", "uncompressedSize", 1000);
    const archive = await SafeArchive.open(file);
    const entry = archive.find("bomb.bin")!;
    let seen = 0;
    await expect(
      (async () => {
        for await (const chunk of await archive.openEntry(entry)) seen += (chunk as Buffer).length;
      })(),
    ).rejects.toMatchObject({ code: "size_mismatch" });
    // Inflation stopped at the first chunk past the declared size, not at 40 MB.
    expect(seen).toBeLessThanOrEqual(1000);
    archive.close();
  });

  it("stops an entry that inflates past the ratio even when its declared size is generous", async () => {
    const file = await make([manifest("com.acme.x"), { name: "bomb.bin", stream: zeros(8 * 1024 * 1024) }]);
    const err = await refusal(file, { ...DEFAULT_LIMITS, maxCompressionRatio: 50, ratioExemptBelow: 64 * 1024 });
    expect(err.code).toBe("compression_ratio");
  });

  it("refuses 100,000 entries from the directory count alone", async () => {
    const entries: FixtureEntry[] = [manifest("com.acme.x")];
    for (let i = 0; i < 100_000; i++) entries.push({ name: `f/${i}`, content: "", compress: false });
    const file = await make(entries);
    const started = Date.now();
    const err = await refusal(file);
    expect(err.code).toBe("too_many_entries");
    expect(Date.now() - started).toBeLessThan(2000);
  }, 120_000);

  it("refuses more uncompressed bytes than the total cap", async () => {
    const file = await make([manifest("com.acme.x"), { name: "a.bin", content: Buffer.alloc(300_000, 7) }, { name: "b.bin", content: Buffer.alloc(300_000, 8) }]);
    expect((await refusal(file, { ...DEFAULT_LIMITS, maxTotalUncompressed: 500_000 })).code).toBe("too_large");
  });

  it("refuses unknown compression methods, corrupt CRCs and files that are not ZIPs", async () => {
    const method = await make([manifest("com.acme.x"), { name: "a.txt", content: "abc".repeat(100) }]);
    patchCentral(method, "a.txt", "compressionMethod", 12);
    expect((await refusal(method)).code).toBe("unsupported_compression");
    const crc = await make([manifest("com.acme.x"), { name: "a.txt", content: "original", compress: false }]);
    patchBytes(crc, "original", "0riginal");
    expect((await refusal(crc)).code).toBe("crc_mismatch");
    const garbage = path.join(dir, "garbage.jpl");
    fs.writeFileSync(garbage, Buffer.from("PK\u0003\u0004 this is not really a zip"));
    expect((await refusal(garbage)).code).toBe("not_a_zip");
  });

  it("refuses a manifest that is missing, not JSON, or names no plugin", async () => {
    const cases: [FixtureEntry[], string][] = [
      [[{ name: "data/a.txt", content: "x" }], "manifest_missing"],
      [[{ name: "manifest.json", content: "{not json" }], "manifest_invalid"],
      [[{ name: "manifest.json", content: JSON.stringify({ description: "nothing" }) }], "manifest_invalid"],
      [[{ name: "manifest.json", content: JSON.stringify({ id: "../../etc", version: "1" }) }], "manifest_invalid"],
    ];
    for (const [entries, code] of cases) {
      const archive = await SafeArchive.open(await make(entries));
      await expect(readManifest(archive)).rejects.toMatchObject({ code });
      archive.close();
    }
    const byName = await SafeArchive.open(await make([{ name: "manifest.json", content: JSON.stringify({ name: "GreenScreen", version: "2.1" }) }]));
    expect(await readManifest(byName)).toEqual({ id: "GreenScreen", name: "GreenScreen", version: "2.1" });
    byName.close();
  });
});
