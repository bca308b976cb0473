// Property tests: whatever bytes arrive as an "archive", reading it (entries, manifest, every
// entry's content) ends in success or an ArchiveError — never another exception, never a hang;
// whatever bytes name an entry, an accepted name is exactly those bytes as UTF-8, NFC, free of
// controls, format and bidi characters, and distinct from every other after case folding.
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { badCharacter, collisionKey, textFieldViolation } from "../archive/entry-name-policy";
import { mutatedBytes } from "../archive/test-mutations";
import { ArchiveError } from "./archive-error";
import { parseManifest, readManifest } from "./manifest";
import { SafeArchive } from "./read-archive";
import { manifest, rawZipTo, tempDir, zipTo, type RawZipEntry } from "./test-fixtures";

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
    await fc.assert(
      fc.asyncProperty(mutatedBytes(valid), async (bytes) => {
        await readFully(bytes);
      }),
      { numRuns: 600 },
    );
  });
  const MANIFEST: RawZipEntry = { name: "manifest.json", content: JSON.stringify({ id: "com.acme.prop", version: "1" }) };

  async function names(entries: RawZipEntry[]): Promise<{ accepted: { name: string; raw: Buffer; utf8: boolean }[] } | { refused: string }> {
    const file = rawZipTo(path.join(dir, `n${n++}.zip`), [MANIFEST, ...entries]);
    try {
      const archive = await SafeArchive.open(file);
      archive.close();
      return { accepted: archive.entries.slice(1).map((e) => ({ name: e.name, raw: e.raw.fileNameRaw, utf8: (e.raw.generalPurposeBitFlag & 0x800) !== 0 })) };
    } catch (err) {
      if (err instanceof ArchiveError) return { refused: err.code };
      throw err;
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  function expectSafeName({ name, raw, utf8 }: { name: string; raw: Buffer; utf8: boolean }): void {
    expect(Buffer.from(name, "utf8").equals(raw)).toBe(true);
    expect(badCharacter(name)).toBeUndefined();
    expect(name.normalize("NFC")).toBe(name);
    if (!utf8) expect(/^[\x20-\x7e]+$/.test(name)).toBe(true);
    expect(name.split("/").includes("..")).toBe(false);
  }

  it("accepts a name of any bytes only as the same bytes, decoded to safe NFC text", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 24 }), fc.boolean(), async (bytes, utf8) => {
        const result = await names([{ name: Buffer.from(bytes), utf8, content: "" }]);
        if ("accepted" in result) for (const entry of result.accepted) expectSafeName(entry);
      }),
      { numRuns: 1500 },
    );
  });

  it("accepts a Unicode name only when it is safe, NFC text", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", minLength: 1, maxLength: 12 }), async (text) => {
        const result = await names([{ name: Buffer.from(text, "utf8"), content: "" }]);
        if ("accepted" in result) for (const entry of result.accepted) expectSafeName(entry);
        // Whatever is unsafe is refused, not repaired.
        if (badCharacter(text) !== undefined || text.normalize("NFC") !== text) expect("refused" in result).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it("never accepts two names that one case-insensitive, normalizing file system would merge", async () => {
    // A small alphabet so that collisions are frequent: case pairs, ß/SS, a precomposed é and a slash.
    const name = fc.array(fc.constantFrom("a", "A", "ß", "s", "S", "é", "É", "ς", "σ", "Σ", "/"), { minLength: 1, maxLength: 6 }).map((chars) => chars.join(""));
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(name, { minLength: 2, maxLength: 6 }), async (list) => {
        const result = await names(list.map((entry) => ({ name: entry, content: "" })));
        if (!("accepted" in result)) return;
        const files = result.accepted.filter((e) => !e.name.endsWith("/")).map((e) => collisionKey(e.name));
        const dirs = new Map<string, string>();
        for (const e of result.accepted) {
          const segments = e.name.replace(/\/$/, "").split("/");
          for (let i = 1; i <= segments.length - (e.name.endsWith("/") ? 0 : 1); i++) {
            const spelt = segments.slice(0, i).join("/");
            const key = collisionKey(spelt);
            expect(dirs.get(key) ?? spelt).toBe(spelt);
            dirs.set(key, spelt);
          }
        }
        expect(new Set(files).size).toBe(files.length);
        for (const f of files) expect(dirs.has(f)).toBe(false);
      }),
      { numRuns: 800 },
    );
  });
  it("returns manifest strings only when they can be stored and shown: refusals name the field", () => {
    const text = fc.string({ unit: "binary", maxLength: 80 });
    fc.assert(
      fc.property(text, text, (name, version) => {
        const bytes = new TextEncoder().encode(JSON.stringify({ id: "com.acme.prop", name, version }));
        try {
          const parsed = parseManifest(bytes);
          for (const value of [parsed.id, parsed.name, parsed.version]) {
            expect(textFieldViolation(value, 128)).toBeUndefined();
            expect(value.includes("\u0000")).toBe(false);
          }
        } catch (err) {
          expect(err).toBeInstanceOf(ArchiveError);
          if (!name && !version) expect((err as ArchiveError).message).toMatch(/needs a "name" or a "version"/);
          else expect(["name", "version"]).toContain((err as ArchiveError).field);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
