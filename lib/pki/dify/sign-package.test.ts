import crypto from "node:crypto";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveError } from "../jpl/archive-error";
import { SafeArchive } from "../jpl/read-archive";
import { patchBytes, patchCentral, patchUnixTimestamps, tempDir, zipTo, type FixtureEntry } from "../jpl/test-fixtures";
import { generateKeyPairAsync, softwareSigner, type Signer } from "../signer";
import { difyPublicKeyFile, parseDifyPublicKeyFile } from "./key-file";
import { signDifyPackage } from "./sign-package";
import { difyVerifiers, GO_PACKAGER } from "./test-verifiers";
import { verifyDifyPackage } from "./verify-package";

const dir = tempDir("signet-dify-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (name: string) => path.join(dir, `${n++}-${name}`);
const { pythonVerify, goVerify, goProgram } = difyVerifiers(dir);
const NOW = new Date("2026-11-30T12:00:00Z");
let signer: Signer;
let foreign: Signer;
let keyFile: string;
let foreignKeyFile: string;

beforeAll(async () => {
  const [a, b] = await Promise.all([generateKeyPairAsync("rsa-4096"), generateKeyPairAsync("rsa-4096")]);
  signer = softwareSigner(a.privateKey);
  foreign = softwareSigner(b.privateKey);
  keyFile = file("signet.pem");
  fs.writeFileSync(keyFile, difyPublicKeyFile(signer.publicKeySpki));
  foreignKeyFile = file("foreign.pem");
  fs.writeFileSync(foreignKeyFile, difyPublicKeyFile(foreign.publicKeySpki));
});

const MANIFEST = `version: 0.0.3
type: plugin
author: acme
name: weather
label:
  en_US: Weather
description:
  en_US: Looks up the weather
icon: icon.svg
resource:
  memory: 268435456
plugins:
  tools:
    - provider/weather.yaml
meta:
  version: 0.0.1
  arch: [amd64, arm64]
  runner:
    language: python
    version: "3.12"
    entrypoint: main
created_at: 2026-11-01T10:00:00Z
`;

function packageEntries(manifest = MANIFEST): FixtureEntry[] {
  return [
    { name: "manifest.yaml", content: manifest },
    { name: "main.py", content: "from dify_plugin import Plugin\nPlugin().run()\n" },
    { name: "provider/weather.yaml", content: "identity:\n  name: weather\n" },
    { name: "_assets/icon.svg", content: "<svg xmlns='http://www.w3.org/2000/svg'/>", compress: false },
    { name: "lib/blob.bin", content: crypto.randomBytes(200_000), compress: false },
    { name: "README.md", content: "# Weather\n".repeat(500) },
  ];
}

function goPackage(entries: FixtureEntry[]): string {
  const staging = fs.mkdtempSync(path.join(dir, "pkg-"));
  const args = entries.map((e, i) => {
    fs.writeFileSync(path.join(staging, String(i)), Buffer.from(e.content ?? ""));
    return `${e.name}=${path.join(staging, String(i))}`;
  });
  const out = file("go-packaged.difypkg");
  execFileSync(goProgram("package_dify", GO_PACKAGER), [out, ...args]);
  return out;
}

async function signed(entries = packageEntries(), category: "community" | "partner" = "community"): Promise<{ input: string; output: string }> {
  const input = await zipTo(file("in.difypkg"), entries);
  const output = file("signed.difypkg");
  await signDifyPackage({ inputPath: input, outputPath: output, signer, authorizedCategory: category, now: NOW });
  return { input, output };
}

async function refusal(promise: Promise<unknown>): Promise<ArchiveError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ArchiveError);
    return err as ArchiveError;
  }
  throw new Error("accepted");
}

describe("Dify .difypkg signing", () => {
  it("signs a package that an independent implementation of the daemon's check accepts", async () => {
    const { input, output } = await signed(packageEntries(), "partner");
    const result = pythonVerify(output, keyFile);
    expect(result.ok, result.out).toBe(true);
    expect(goVerify(output, keyFile)).toEqual({ ok: true, out: "OK\n" });
    const report = JSON.parse(result.out) as { names: string[]; category: string; time: number };
    expect(report.names).toEqual([...packageEntries().map((e) => e.name), ".verification.dify.json"]);
    expect(report.category).toBe("partner");
    expect(report.time).toBe(NOW.getTime() / 1000);

    // Entries are byte-identical in content, the comment is exactly the JSON, the category entry exact.
    const before = await SafeArchive.open(input);
    const after = await SafeArchive.open(output);
    for (const entry of before.entries) expect((await after.readEntry(after.find(entry.name)!, 1 << 20)).equals(await before.readEntry(entry, 1 << 20))).toBe(true);
    expect(after.comment.toString("latin1")).toMatch(/^\{"signature":"[A-Za-z0-9+/]+={0,2}","time":1796040000\}$/);
    expect((await after.readEntry(after.find(".verification.dify.json")!, 100)).toString()).toBe('{"authorized_category":"partner"}');
    before.close();
    after.close();

    const verified = await verifyDifyPackage(output, [foreign.publicKeySpki, signer.publicKeySpki]);
    expect(verified).toMatchObject({ valid: true, keyIndex: 1, authorizedCategory: "partner", time: 1796040000, manifest: { name: "weather", author: "acme", version: "0.0.3", type: "plugin" } });
  });

  it("signs a package written the way `dify plugin package` writes one (Go archive/zip: FAT host, no dates)", async () => {
    const input = goPackage(packageEntries());
    expect(execFileSync("zipinfo", [input], { encoding: "utf8" })).toMatch(/ fat /);
    const output = file("signed.difypkg");
    const result = await signDifyPackage({ inputPath: input, outputPath: output, signer, authorizedCategory: "community", now: NOW });
    expect(result.files.map((f) => f.path)).toEqual([...packageEntries().map((e) => e.name), ".verification.dify.json"]);
    expect(goVerify(output, keyFile)).toEqual({ ok: true, out: "OK\n" });
    expect(pythonVerify(output, keyFile)).toMatchObject({ ok: true });
  });

  it("is refused by the independent check under a foreign key, and by Signet's verifier too", async () => {
    const { output } = await signed();
    expect(pythonVerify(output, foreignKeyFile)).toMatchObject({ ok: false });
    expect(pythonVerify(output, foreignKeyFile).out).toContain("BAD SIGNATURE");
    expect(goVerify(output, foreignKeyFile).out).toContain("BAD SIGNATURE");
    expect((await verifyDifyPackage(output, [foreign.publicKeySpki])).valid).toBe(false);
  });

  it("a tampered entry fails both checks (content changed, package rebuilt with the same comment)", async () => {
    const { output } = await signed();
    const archive = await SafeArchive.open(output);
    const entries: FixtureEntry[] = [];
    for (const e of archive.entries) {
      const content = await archive.readEntry(e, 1 << 20);
      entries.push({ name: e.name, content: e.name === "main.py" ? Buffer.from("import os; os.system('id')\n") : content });
    }
    const comment = archive.comment.toString("latin1");
    archive.close();
    const tampered = await zipWithComment(file("tampered.difypkg"), entries, comment);
    expect(pythonVerify(tampered, keyFile)).toMatchObject({ ok: false });
    expect(goVerify(tampered, keyFile).out).toContain("BAD SIGNATURE");
    expect((await verifyDifyPackage(tampered, [signer.publicKeySpki])).valid).toBe(false);
    // Control: the same rebuild without the change verifies, so the failure is the tampering.
    const untouched: FixtureEntry[] = [];
    const again = await SafeArchive.open(output);
    for (const e of again.entries) untouched.push({ name: e.name, content: await again.readEntry(e, 1 << 20) });
    again.close();
    const rebuilt = await zipWithComment(file("rebuilt.difypkg"), untouched, comment);
    expect(pythonVerify(rebuilt, keyFile)).toMatchObject({ ok: true });
    expect(goVerify(rebuilt, keyFile)).toMatchObject({ ok: true });
  });

  it("replaces a .verification.dify.json the upload carried, and writes it last", async () => {
    const entries = [...packageEntries().slice(0, 2), { name: ".verification.dify.json", content: '{"authorized_category":"langgenius"}' }, ...packageEntries().slice(2)];
    const { output } = await signed(entries);
    const report = JSON.parse(pythonVerify(output, keyFile).out) as { names: string[]; category: string };
    expect(report.category).toBe("community");
    expect(report.names.at(-1)).toBe(".verification.dify.json");
    expect(report.names.filter((x) => x === ".verification.dify.json")).toHaveLength(1);
  });

  it("refuses the langgenius category and a langgenius author", async () => {
    const input = await zipTo(file("in.difypkg"), packageEntries());
    const err = await refusal(signDifyPackage({ inputPath: input, outputPath: file("x"), signer, authorizedCategory: "langgenius" as never, now: NOW }));
    expect(err.code).toBe("reserved_claim");
    const claim = await zipTo(file("in.difypkg"), packageEntries(MANIFEST.replace("author: acme", "author: LangGenius")));
    const out = file("claim.difypkg");
    expect((await refusal(signDifyPackage({ inputPath: claim, outputPath: out, signer, authorizedCategory: "community", now: NOW }))).code).toBe("reserved_claim");
    expect(fs.existsSync(out)).toBe(false);
  });

  it.each([
    ["a directory entry", [...packageEntries(), { name: "provider/", dir: true }], "directory_entry"],
    ["no manifest.yaml", packageEntries().slice(1), "manifest_missing"],
    ["a manifest that is not YAML", packageEntries("version: [unclosed\n"), "manifest_invalid"],
    ["a manifest of another type", packageEntries(MANIFEST.replace("type: plugin", "type: bundle")), "manifest_invalid"],
    ["a manifest with a bad version", packageEntries(MANIFEST.replace("version: 0.0.3", "version: latest")), "manifest_invalid"],
    ["a manifest with YAML aliases", packageEntries(MANIFEST + "x: &a [1]\ny: *a\n"), "manifest_invalid"],
    ["a file that is also a directory", [...packageEntries(), { name: "main.py/evil", content: "x" }], "duplicate_entry"],
  ] as const)("refuses a package with %s", async (_label, entries, code) => {
    const input = await zipTo(file("in.difypkg"), [...entries] as FixtureEntry[]);
    const out = file("out.difypkg");
    expect((await refusal(signDifyPackage({ inputPath: input, outputPath: out, signer, authorizedCategory: "community", now: NOW }))).code).toBe(code);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("refuses a package Go's archive/zip would read at another base offset (bytes prepended, or a wrong directory size)", async () => {
    const input = await zipTo(file("in.difypkg"), packageEntries());
    const prefixed = file("prefixed.difypkg");
    fs.writeFileSync(prefixed, Buffer.concat([Buffer.from("#!/bin/sh\nexit 0\n"), fs.readFileSync(input)]));
    expect((await refusal(signDifyPackage({ inputPath: prefixed, outputPath: file("x"), signer, authorizedCategory: "community", now: NOW }))).code).toBe("not_a_zip");
    const { output } = await signed();
    const bytes = fs.readFileSync(output);
    const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    // Declared so large that the base offset Go computes points before the file: Go gives up ("not a valid zip file").
    bytes.writeUInt32LE(bytes.readUInt32LE(end + 12) + 0x100000, end + 12);
    const wrongSize = file("wrong-size.difypkg");
    fs.writeFileSync(wrongSize, bytes);
    expect(goVerify(wrongSize, keyFile).ok).toBe(false);
    expect(await verifyDifyPackage(wrongSize, [signer.publicKeySpki])).toMatchObject({ valid: false, code: "not_a_zip" });
  });

  it("refuses a zip-slip name", async () => {
    const input = await zipTo(file("in.difypkg"), [...packageEntries(), { name: "xx/evil.py", content: "x" }]);
    patchBytes(input, "xx/evil.py", "../evil.py");
    expect((await refusal(signDifyPackage({ inputPath: input, outputPath: file("x"), signer, authorizedCategory: "community", now: NOW }))).code).toBe("parent_path");
  });

  it("refuses an entry that the MS-DOS directory attribute makes a directory for Go's archive/zip", async () => {
    const input = await zipTo(file("in.difypkg"), packageEntries());
    // Central directory record of main.py: host FAT (version made by 0x0014), external attribute 0x10.
    patchCentral(input, "main.py", "versionMadeBy", 0x0014);
    patchCentral(input, "main.py", "externalAttributes", 0x10);
    expect((await refusal(signDifyPackage({ inputPath: input, outputPath: file("x"), signer, authorizedCategory: "community", now: NOW }))).code).toBe("directory_entry");
  });

  it("streams: signing a package with a 160 MB entry does not hold it in memory", async () => {
    const chunk = Buffer.alloc(1024 * 1024);
    const big = () => Readable.from((function* () {
      for (let i = 0; i < 160; i++) yield crypto.randomFillSync(chunk.subarray(0, 4096)) && Buffer.from(chunk);
    })());
    const input = await zipTo(file("big.difypkg"), [...packageEntries(), { name: "lib/model.bin", stream: big, compress: false }]);
    globalThis.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
    const output = file("big-signed.difypkg");
    try {
      await signDifyPackage({ inputPath: input, outputPath: output, signer, authorizedCategory: "community", now: NOW });
    } finally {
      clearInterval(sampler);
    }
    expect((peak - baseline) / 1024 / 1024).toBeLessThan(96);
    expect(goVerify(output, keyFile)).toMatchObject({ ok: true });
  });

  it("an entry that fails its CRC mid-copy aborts the signing and leaves no output", async () => {
    const input = await zipTo(file("in.difypkg"), packageEntries());
    patchBytes(input, "<svg xmlns", "<SVG xmlns");
    const output = file("crc.difypkg");
    expect((await refusal(signDifyPackage({ inputPath: input, outputPath: output, signer, authorizedCategory: "community", now: NOW }))).code).toBe("crc_mismatch");
    expect(fs.existsSync(output)).toBe(false);
  });

  it("signs a package whose entries are dated before 1970 (fuzzer find: yazl threw writing them back)", async () => {
    const input = await zipTo(file("old.difypkg"), packageEntries());
    patchUnixTimestamps(input, -1_000_000_000);
    const output = file("old-signed.difypkg");
    await signDifyPackage({ inputPath: input, outputPath: output, signer, authorizedCategory: "community", now: NOW });
    expect(goVerify(output, keyFile)).toMatchObject({ ok: true });
  });

  it("never overwrites an existing output", async () => {
    const input = await zipTo(file("in.difypkg"), packageEntries());
    const existing = file("existing.difypkg");
    fs.writeFileSync(existing, "keep me");
    await expect(signDifyPackage({ inputPath: input, outputPath: existing, signer, authorizedCategory: "community", now: NOW })).rejects.toThrow(/EEXIST/);
    expect(fs.readFileSync(existing, "utf8")).toBe("keep me");
  });

  it("signs only with RSA-4096", async () => {
    const input = await zipTo(file("in.difypkg"), packageEntries());
    const small = softwareSigner((await generateKeyPairAsync("rsa-2048")).privateKey);
    await expect(signDifyPackage({ inputPath: input, outputPath: file("x"), signer: small, authorizedCategory: "community", now: NOW })).rejects.toThrow(/RSA-4096/);
  });
});

describe("Dify key file", () => {
  it("is one PKCS#1 PEM block with exactly one trailing newline, read by openssl and python-cryptography", () => {
    const pem = fs.readFileSync(keyFile, "utf8");
    expect(pem).toMatch(/^-----BEGIN RSA PUBLIC KEY-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END RSA PUBLIC KEY-----\n$/);
    const modulus = execFileSync("openssl", ["rsa", "-RSAPublicKey_in", "-in", keyFile, "-noout", "-modulus"], { encoding: "utf8" });
    const expected = crypto.createPublicKey({ key: Buffer.from(signer.publicKeySpki), format: "der", type: "spki" }).export({ format: "jwk" }).n!;
    expect(modulus.trim()).toBe(`Modulus=${Buffer.from(expected, "base64url").toString("hex").toUpperCase()}`);
    const py = spawnSync("/usr/bin/python3", ["-c", "import sys; from cryptography.hazmat.primitives import serialization as s; k = s.load_pem_public_key(open(sys.argv[1],'rb').read()); print(k.key_size)", keyFile], { encoding: "utf8" });
    expect(py.stdout.trim()).toBe("4096");
    expect(Buffer.from(parseDifyPublicKeyFile(pem)).equals(Buffer.from(signer.publicKeySpki))).toBe(true);
  });

  it("parses only what the daemon's LoadPublicKey accepts", () => {
    const pem = difyPublicKeyFile(signer.publicKeySpki);
    expect(() => parseDifyPublicKeyFile(pem + "\n")).toThrow(/one newline/);
    expect(() => parseDifyPublicKeyFile(pem + pem)).toThrow(/exactly one/);
    expect(() => parseDifyPublicKeyFile(pem.replaceAll("RSA PUBLIC KEY", "PUBLIC KEY"))).toThrow();
    const ec = softwareSigner(crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey);
    expect(() => difyPublicKeyFile(ec.publicKeySpki)).toThrow(/RSA/);
  });
});

/** A ZIP with a given comment, written by Python's zipfile (a writer Signet did not write). */
async function zipWithComment(target: string, entries: FixtureEntry[], comment: string): Promise<string> {
  const staging = fs.mkdtempSync(path.join(dir, "z-"));
  entries.forEach((e, i) => fs.writeFileSync(path.join(staging, String(i)), Buffer.from(e.content ?? "")));
  const script = `import json, sys, zipfile
names = json.loads(sys.argv[3])
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for i, name in enumerate(names):
        z.write(sys.argv[2] + "/" + str(i), name)
    z.comment = sys.argv[4].encode("ascii")
`;
  execFileSync("/usr/bin/python3", ["-c", script, target, staging, JSON.stringify(entries.map((e) => e.name)), comment]);
  return target;
}
