import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { ArchiveError } from "../jpl/archive-error";
import { tempDir } from "../jpl/test-fixtures";
import { DEFAULT_TAR_LIMITS, readTar, type ReadTarOptions, type TarEntry as TarMember } from "./read-tar";

// Fixtures written by GNU tar, the reference every tar reader is measured against.
const dir = tempDir("signet-tar-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;

function gnuTar(files: Record<string, string | null>, args: string[] = []): Buffer {
  const root = path.join(dir, `t${n++}`);
  fs.mkdirSync(root);
  for (const [name, content] of Object.entries(files)) {
    const target = path.join(root, name);
    if (content === null) fs.mkdirSync(target, { recursive: true });
    else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
  }
  return execFileSync("tar", ["-c", "--owner=0", "--group=0", "--mtime=@0", "--no-recursion", ...args, "-C", root, ...Object.keys(files)], { maxBuffer: 64 << 20 });
}

async function read(bytes: Buffer, options: ReadTarOptions = {}): Promise<{ members: TarMember[]; contents: Record<string, string> }> {
  const contents: Record<string, string> = {};
  const { entries: members } = await readTar(Readable.from([bytes]), async (member, content) => {
    const chunks: Buffer[] = [];
    for await (const chunk of content) chunks.push(chunk as Buffer);
    contents[member.name] = Buffer.concat(chunks).toString();
  }, options);
  return { members, contents };
}

async function refusal(bytes: Buffer, options: ReadTarOptions = {}): Promise<string> {
  try {
    await read(bytes, options);
  } catch (err) {
    expect(err).toBeInstanceOf(ArchiveError);
    return (err as ArchiveError).code;
  }
  throw new Error("accepted");
}

describe("readTar", () => {
  it("reads members in order with byte ranges that cover the archive exactly", async () => {
    const bytes = gnuTar({ version: "{}", manifest: "a".repeat(1000), "data/0000.tar": "b" });
    const { members, contents } = await read(bytes, { allowDirectories: false });
    expect(members.map((m) => [m.name, m.size, m.start, m.headerOffset, m.end])).toEqual([
      ["version", 2, 0, 0, 1024],
      ["manifest", 1000, 1024, 1024, 2560],
      ["data/0000.tar", 1, 2560, 2560, 3584],
    ]);
    expect(contents.manifest).toBe("a".repeat(1000));
    // Header blocks as written: a member's [start, end) is its verbatim copy.
    expect(bytes.subarray(1024, 1024 + 8).toString()).toBe("manifest");
    expect(bytes.subarray(3584).every((b) => b === 0)).toBe(true);
  });

  it("reads a gzip stream (a Mattermost .tar.gz) through the same checks", async () => {
    const bytes = gnuTar({ "plugin.json": '{"id":"x"}' });
    const { entries: members } = await readTar(Readable.from([zlib.gzipSync(bytes)]).pipe(zlib.createGunzip()), async () => {});
    expect(members.map((m) => m.name)).toEqual(["plugin.json"]);
  });

  it("refuses directories unless asked, then reads them as such", async () => {
    const bytes = gnuTar({ "dir/": null, "dir/a.txt": "x" });
    expect(await refusal(bytes)).toBe("directory_entry");
    expect((await read(bytes, { allowDirectories: true })).members.map((m) => [m.name, m.type])).toEqual([["dir/", "directory"], ["dir/a.txt", "file"]]);
  });

  it("refuses extension headers unless asked, then applies them", async () => {
    const long = `${"d".repeat(60)}/${"f".repeat(60)}.txt`;
    for (const format of ["--format=gnu", "--format=posix"]) {
      const bytes = gnuTar({ [long]: "x" }, [format]);
      expect(await refusal(bytes)).toBe("not_a_tar");
      const { members, contents } = await read(bytes, { allowExtensionHeaders: true });
      expect(members[0].name).toBe(long);
      expect(members[0].headerOffset).toBeGreaterThan(members[0].start);
      expect(contents[long]).toBe("x");
    }
  });

  it("refuses links, devices, duplicates, escapes and data after the end-of-archive", async () => {
    const root = path.join(dir, `links${n++}`);
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, "a"), "x");
    fs.symlinkSync("/etc/passwd", path.join(root, "s"));
    fs.linkSync(path.join(root, "a"), path.join(root, "h"));
    const tarOf = (...names: string[]) => execFileSync("tar", ["-c", "--no-recursion", "-C", root, ...names]);
    expect(await refusal(tarOf("s"))).toBe("symlink");
    expect(await refusal(tarOf("a", "h"))).toBe("symlink");
    expect(await refusal(execFileSync("tar", ["-c", "--no-recursion", "-C", "/dev", "null"]))).toBe("special_file");
    expect(await refusal(tarOf("--hard-dereference", "a", "a"))).toBe("duplicate_entry");
    expect(await refusal(execFileSync("tar", ["-c", "--no-recursion", "-P", "--transform=s,^,../,", "-C", root, "a"]))).toBe("parent_path");
    const two = Buffer.concat([gnuTar({ a: "x" }), gnuTar({ b: "y" })]);
    expect(await refusal(two)).toBe("not_a_tar");
    expect(await refusal(gnuTar({ a: "x" }).subarray(0, 1024))).toBe("not_a_tar");
  });

  it("refuses header numbers Go's archive/tar refuses, though tar-stream would read them (fuzzer find against mender-artifact)", async () => {
    const good = gnuTar({ version: "{}" });
    expect((await read(good)).members).toHaveLength(1);
    // The checksum field's terminating NUL made 0x01: tar-stream still reads the number, Go does not.
    const badChecksum = Buffer.from(good);
    expect(badChecksum[154]).toBe(0);
    badChecksum[154] = 1;
    expect(await refusal(badChecksum)).toBe("not_a_tar");
    // A space inside the mode field, checksum recomputed: tar-stream reads "00", Go refuses the header.
    const badMode = Buffer.from(good);
    badMode.write("00 0644", 100, "latin1");
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : badMode[i];
    badMode.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
    expect(await refusal(badMode)).toBe("not_a_tar");
  });

  it("stops at its caps", async () => {
    const bytes = gnuTar({ a: "x", b: "y", c: "z" });
    expect(await refusal(bytes, { limits: { ...DEFAULT_TAR_LIMITS, maxEntries: 2 } })).toBe("too_many_entries");
    expect(await refusal(gnuTar({ a: "x".repeat(5000) }), { limits: { ...DEFAULT_TAR_LIMITS, maxTotalBytes: 4096 } })).toBe("too_large");
    expect(await refusal(bytes, { limits: { ...DEFAULT_TAR_LIMITS, maxTarBytes: 2048 } })).toBe("too_large");
  });
});

// One reader for every tar format: the rules each of the two former readers had alone now hold for both.
describe("readTar: one set of rules for Mender (plain, strict) and Mattermost (gzip, directories, long names)", () => {
  const mattermost: ReadTarOptions = { gzip: true, allowDirectories: true, allowExtensionHeaders: true, stripDotSlash: true };

  it("refuses case-fold and NFC twins and bidi controls in a Mender-style tar too (the shared name policy)", async () => {
    expect(await refusal(gnuTar({ "data/a.txt": "x", "data/A.txt": "y" }))).toBe("duplicate_entry");
    expect(await refusal(gnuTar({ "caf\u00e9": "x", "cafe\u0301": "y" }))).toBe("bad_file_name");
    expect(await refusal(gnuTar({ "gpj.\u202eexe": "x" }))).toBe("bad_file_name");
    // "./version" is not "version" to mender-artifact: only Mattermost strips the prefix.
    expect(await refusal(gnuTar({ version: "{}" }, ["--transform=s,^,./,"]))).toBe("bad_file_name");
    const { entries } = await readTar(Readable.from([zlib.gzipSync(gnuTar({ version: "{}" }, ["--transform=s,^,./,"]))]), async () => {}, mattermost);
    expect(entries.map((e) => e.name)).toEqual(["version"]);
  });

  it("refuses Go-malformed header numbers inside a .tar.gz, and gives Mattermost entries their byte ranges", async () => {
    const good = gnuTar({ "plugin.json": "{}", "server/": null, "server/plugin": "x".repeat(600) });
    const { entries, size } = await readTar(Readable.from([zlib.gzipSync(good)]), async () => {}, mattermost);
    expect(entries.map((e) => [e.name, e.start, e.headerOffset, e.end])).toEqual([
      ["plugin.json", 0, 0, 1024],
      ["server/", 1024, 1024, 1536],
      ["server/plugin", 1536, 1536, 3072],
    ]);
    expect(size).toBe(good.length);
    const badMode = Buffer.from(good);
    badMode.write("00 0644", 100, "latin1");
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : badMode[i];
    badMode.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
    expect(await refusal(zlib.gzipSync(badMode), mattermost)).toBe("not_a_tar");
  });

  it("refuses a pax global header (Go lists it as an entry, tar-stream swallows it), even where extension headers are allowed", async () => {
    const file = path.join(dir, `global${n++}.tar`);
    execFileSync("python3", ["-c", `import tarfile, io
t = tarfile.open(${JSON.stringify(file)}, "w", format=tarfile.PAX_FORMAT, pax_headers={"comment": "signet"})
i = tarfile.TarInfo("plugin.json"); i.size = 2
t.addfile(i, io.BytesIO(b"{}")); t.close()`]);
    const bytes = fs.readFileSync(file);
    expect(bytes[156]).toBe("g".charCodeAt(0));
    expect(await refusal(bytes, { allowExtensionHeaders: true })).toBe("not_a_tar");
    expect(await refusal(zlib.gzipSync(bytes), mattermost)).toBe("not_a_tar");
  });

  it("refuses a directory without its trailing '/' and a directory entry with content, for every caller", async () => {
    const dirHeader = (name: string, size: number) => {
      const block = Buffer.alloc(512);
      block.write(name, 0, "latin1");
      block.write("0000755\0", 100, "latin1");
      block.write("0000000\0", 108, "latin1");
      block.write("0000000\0", 116, "latin1");
      block.write(`${size.toString(8).padStart(11, "0")}\0`, 124, "latin1");
      block.write("00000000000\0", 136, "latin1");
      block.write("5", 156, "latin1");
      block.write("ustar\u000000", 257, "latin1");
      let sum = 0;
      for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
      block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
      return block;
    };
    const noSlash = Buffer.concat([dirHeader("dir", 0), Buffer.alloc(1024)]);
    expect(await refusal(noSlash, { allowDirectories: true })).toBe("special_file");
    expect(await refusal(zlib.gzipSync(noSlash), mattermost)).toBe("special_file");
    const withContent = Buffer.concat([dirHeader("dir/", 3), Buffer.alloc(512, 0x41), Buffer.alloc(1024)]);
    expect(await refusal(withContent, { allowDirectories: true })).toBe("special_file");
  });

  it("needs the end-of-archive marker in a .tar.gz too", async () => {
    const bytes = gnuTar({ "plugin.json": "{}" });
    expect((await readTar(Readable.from([zlib.gzipSync(bytes)]), async () => {}, mattermost)).entries).toHaveLength(1);
    expect(await refusal(zlib.gzipSync(bytes.subarray(0, 1024)), mattermost)).toBe("not_a_tar");
    expect(await refusal(zlib.gzipSync(bytes.subarray(0, 1536)), mattermost)).toBe("not_a_tar");
  });
});
