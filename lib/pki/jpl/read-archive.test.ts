import path from "node:path";
import fs from "node:fs";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { ArchiveError, DEFAULT_LIMITS } from "./archive-error";
import { readManifest } from "./manifest";
import { SafeArchive } from "./read-archive";
import { manifest, patchBytes, patchCentral, rawZipTo, tempDir, unicodePathField, zipTo, type FixtureEntry, type RawZipEntry } from "./test-fixtures";

const dir = tempDir("signet-read-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const make = (entries: FixtureEntry[]) => zipTo(path.join(dir, `a${n++}.zip`), entries);
const MANIFEST: RawZipEntry = { name: "manifest.json", content: JSON.stringify({ id: "com.acme.names", version: "1" }) };
const makeRaw = (entries: RawZipEntry[]) => rawZipTo(path.join(dir, `r${n++}.zip`), [MANIFEST, ...entries]);

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
  describe("entry names", () => {
    it("reads UTF-8-flagged NFC names of any script, and the same bytes come back as the name", async () => {
      const names = ["data/café.txt", "data/日本語/説明.txt", "data/🎉.txt", "data/Ελληνικά.txt", "data/plain ascii (1).txt"];
      const archive = await SafeArchive.open(await makeRaw(names.map((name) => ({ name, content: "x" }))));
      expect(archive.entries.map((e) => e.name)).toEqual(["manifest.json", ...names]);
      for (const e of archive.entries) expect(Buffer.from(e.name, "utf8").equals(e.raw.fileNameRaw)).toBe(true);
      archive.close();
    });

    it("refuses unflagged names that are not printable ASCII (CP437 in one extractor, UTF-8 in another)", async () => {
      for (const bytes of [Buffer.from("caf\x82.txt", "latin1"), Buffer.from("café.txt", "utf8"), Buffer.from("a\x1b[2Jb.txt", "latin1"), Buffer.from("\x7f.txt", "latin1")]) {
        const err = await refusal(await makeRaw([{ name: bytes, utf8: false, content: "x" }]));
        expect(err.code).toBe("bad_file_name");
        expect(err.message).toMatch(/not flagged UTF-8 \(ZIP general purpose bit 11\)/);
      }
      // Plain printable ASCII reads the same everywhere: accepted without the flag.
      const ok = await SafeArchive.open(await makeRaw([{ name: "data/readme.txt", utf8: false, content: "x" }]));
      expect(ok.find("data/readme.txt")).toBeDefined();
      ok.close();
    });

    it("refuses flagged names that are not valid UTF-8", async () => {
      for (const bytes of [Buffer.from([0x61, 0xff, 0x62]), Buffer.from([0xed, 0xa0, 0x80]) /* an encoded surrogate */, Buffer.from([0xc0, 0xaf]) /* overlong '/' */]) {
        const err = await refusal(await makeRaw([{ name: bytes, content: "x" }]));
        expect(err.code).toBe("bad_file_name");
        expect(err.message).toMatch(/flagged UTF-8 but is not valid UTF-8/);
      }
    });

    it.each([
      ["NUL", "a\u0000b.txt", /NUL character \(U\+0000\)/],
      ["a C1 control", "a\u0085b.txt", /control character \(U\+0085\)/],
      ["RIGHT-TO-LEFT OVERRIDE", "data/gpj\u202Eexe.txt", /bidirectional control character \(U\+202E\)/],
      ["LEFT-TO-RIGHT EMBEDDING", "\u202Aa.txt", /bidirectional control character \(U\+202A\)/],
      ["RIGHT-TO-LEFT ISOLATE", "a\u2067.txt", /bidirectional control character \(U\+2067\)/],
      ["POP DIRECTIONAL ISOLATE", "a\u2069.txt", /bidirectional control character \(U\+2069\)/],
      ["LEFT-TO-RIGHT MARK", "a\u200E.txt", /bidirectional control character \(U\+200E\)/],
      ["RIGHT-TO-LEFT MARK", "a\u200F.txt", /bidirectional control character \(U\+200F\)/],
      ["ARABIC LETTER MARK", "a\u061C.txt", /bidirectional control character \(U\+061C\)/],
      ["ZERO WIDTH SPACE", "a\u200Bb.txt", /invisible format character \(U\+200B\)/],
      ["a byte order mark", "\uFEFFmanifest.json", /invisible format character \(U\+FEFF\)/],
      ["LINE SEPARATOR", "a\u2028b.txt", /line or paragraph separator \(U\+2028\)/],
      ["a noncharacter", "a\uFFFE.txt", /noncharacter \(U\+FFFE\)/],
      ["a decomposed (NFD) name", "data/cafe\u0301.txt", /not in Unicode normalization form C/],
    ])("refuses a flagged name with %s", async (_label, name, message) => {
      const err = await refusal(await makeRaw([{ name, content: "x" }]));
      expect(err.code).toBe("bad_file_name");
      expect(err.message).toMatch(message);
      // The refusal names the entry without the offending character in clear (a message is displayed too).
      expect(err.message).not.toMatch(/[\u0000\u0085\u202A-\u202E\u2066-\u2069\u200B\u200E\u200F\u061C\uFEFF\u2028]/);
    });

    it.each([
      ["letter case", ["a.txt", "A.txt"]],
      ["case folding beyond ASCII (ß / SS)", ["data/straße.txt", "data/STRASSE.txt"]],
      ["Greek final sigma", ["data/ς.txt", "data/Σ.txt"]],
      ["two spellings of one directory", ["Data/a.txt", "data/b.txt"]],
      ["a file where a deeper entry implies a directory", ["README", "readme/notes.txt"]],
      ["a directory entry and a file, by case", ["lib/", "LIB"]],
    ])("refuses names that differ only by %s", async (_label, names) => {
      const err = await refusal(await makeRaw(names.map((name) => ({ name, content: name.endsWith("/") ? "" : "x" }))));
      expect(err.code).toBe("duplicate_entry");
      expect(err.message).toMatch(/differ only by letter case or Unicode normalization/);
    });

    it("refuses an Info-ZIP Unicode Path field that names the entry differently, accepts one that agrees", async () => {
      const err = await refusal(await makeRaw([{ name: "data/a.txt", extra: unicodePathField("data/a.txt", "data/b.txt"), content: "x" }]));
      expect(err.code).toBe("bad_file_name");
      expect(err.message).toMatch(/second, different name in an Info-ZIP Unicode Path field \('data\/b.txt'\)/);
      const agreeing = await SafeArchive.open(await makeRaw([{ name: "data/é.txt", extra: unicodePathField("data/é.txt", "data/é.txt"), content: "x" }]));
      expect(agreeing.find("data/é.txt")).toBeDefined();
      agreeing.close();
    });

    it("refuses a local header that names an entry differently, empty entries and directories included, before any content is read", async () => {
      for (const entry of [{ name: "data/", localName: "../x/" }, { name: "data/empty.txt", localName: "data/other.txt" }, { name: "data/a.txt", localName: "data/b.txt", content: "x" }]) {
        await expect(SafeArchive.open(await makeRaw([entry]))).rejects.toMatchObject({ code: "bad_file_name", message: expect.stringMatching(/local header disagrees with the central directory/) });
      }
      await expect(SafeArchive.open(await makeRaw([{ name: "data/", extra: unicodePathField("data/", "evil/") }]))).rejects.toMatchObject({ code: "bad_file_name" });
    });

    it("refuses a local header whose UTF-8 flag disagrees with the central directory for a non-ASCII name", async () => {
      const err = await refusal(await makeRaw([{ name: "data/é.txt", localUtf8: false, content: "x" }]));
      expect(err.code).toBe("bad_file_name");
      expect(err.message).toMatch(/local header disagrees with the central directory/);
    });
  });

  it("refuses manifest fields that cannot be stored or displayed, naming the field", async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ id: "com.acme.x", version: "1.0\u0000" }, "version", /"version" contains a NUL character/],
      [{ id: "com.acme.x", version: "1.0", name: "Green\u202Escreen" }, "name", /"name" contains a bidirectional control character/],
      [{ id: "com.acme.x", version: "\ud800" }, "version", /"version" contains a lone surrogate/],
      [{ id: "com.acme.x", version: "1".repeat(65) }, "version", /"version" is longer than 64 characters/],
      [{ id: "com.acme.x", version: "1", name: "n".repeat(129) }, "name", /"name" is longer than 128 characters/],
      [{ id: "com.acme.x", version: "e\u0301" }, "version", /"version" is not in Unicode normalization form C/],
      [{ id: "com.acme\u0000.x", version: "1" }, "id", /"id" contains a NUL character/],
      [{ id: "com.acme.\u00e9", version: "1" }, "id", /not a valid plugin id/],
    ];
    for (const [json, field, message] of cases) {
      const archive = await SafeArchive.open(await make([{ name: "manifest.json", content: JSON.stringify(json) }]));
      const err = await readManifest(archive).then(
        () => undefined,
        (e: unknown) => e,
      );
      archive.close();
      expect(err, field).toBeInstanceOf(ArchiveError);
      expect((err as ArchiveError).code).toBe("manifest_invalid");
      expect((err as ArchiveError).field).toBe(field);
      expect((err as ArchiveError).message).toMatch(message);
    }
  });
});
