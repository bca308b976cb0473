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
import { verifyDifyPackage } from "./verify-package";

const dir = tempDir("signet-dify-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (name: string) => path.join(dir, `${n++}-${name}`);
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

// The daemon's algorithm (FORMATS.md §7), written again in Python with python3-cryptography: it
// loads the key file the way the daemon does (one PKCS#1 PEM block), walks the central directory
// skipping directories, and verifies RSASSA-PKCS1-v1_5 SHA-256 over the digests and the time.
const PYTHON_VERIFIER = `
import base64, hashlib, json, sys, zipfile
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
package, key_path = sys.argv[1], sys.argv[2]
pem = open(key_path, "rb").read()
assert pem.startswith(b"-----BEGIN RSA PUBLIC KEY-----\\n") and pem.endswith(b"-----END RSA PUBLIC KEY-----\\n"), "not one PKCS#1 block"
assert not pem.endswith(b"\\n\\n")
key = serialization.load_pem_public_key(pem)
assert isinstance(key, rsa.RSAPublicKey)
with zipfile.ZipFile(package) as z:
    comment = json.loads(z.comment.decode("ascii"))
    assert sorted(comment) == ["signature", "time"] and isinstance(comment["time"], int)
    data = b"".join(hashlib.sha256(z.read(i)).digest() for i in z.infolist() if not i.is_dir())
    names = [i.filename for i in z.infolist()]
    category = json.loads(z.read(".verification.dify.json"))["authorized_category"]
data += str(comment["time"]).encode("ascii")
try:
    key.verify(base64.b64decode(comment["signature"], validate=True), data, padding.PKCS1v15(), hashes.SHA256())
except Exception:
    print("BAD SIGNATURE"); sys.exit(1)
print(json.dumps({"names": names, "category": category, "time": comment["time"]}))
`;

function pythonVerify(pkg: string, key: string): { ok: boolean; out: string } {
  const script = path.join(dir, "verify_dify.py");
  if (!fs.existsSync(script)) fs.writeFileSync(script, PYTHON_VERIFIER);
  const r = spawnSync("/usr/bin/python3", [script, pkg, key], { encoding: "utf8" });
  return { ok: r.status === 0, out: r.stdout + r.stderr };
}

// And once more in Go on the standard library only — archive/zip as the daemon reads packages
// (r.Open by name through io/fs, FileInfo().IsDir() to skip), pem.Decode with nothing left over.
const GO_VERIFIER = `package main

import (
	"archive/zip"
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"strconv"
)

func main() {
	keyPEM, _ := os.ReadFile(os.Args[2])
	block, rest := pem.Decode(keyPEM)
	if block == nil || block.Type != "RSA PUBLIC KEY" || len(rest) != 0 {
		fmt.Println("BAD KEY FILE")
		os.Exit(2)
	}
	key, err := x509.ParsePKCS1PublicKey(block.Bytes)
	if err != nil {
		fmt.Println("BAD KEY", err)
		os.Exit(2)
	}
	r, err := zip.OpenReader(os.Args[1])
	if err != nil {
		fmt.Println("BAD ZIP", err)
		os.Exit(2)
	}
	var comment struct {
		// (encoding/json matches field names case-insensitively: "signature", "time".)
		Signature string
		Time      int64
	}
	if err := json.Unmarshal([]byte(r.Comment), &comment); err != nil {
		fmt.Println("BAD COMMENT", err)
		os.Exit(2)
	}
	data := new(bytes.Buffer)
	for _, f := range r.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := r.Open(f.Name)
		if err != nil {
			fmt.Println("OPEN", err)
			os.Exit(2)
		}
		h := sha256.New()
		io.Copy(h, rc)
		rc.Close()
		data.Write(h.Sum(nil))
	}
	data.WriteString(strconv.FormatInt(comment.Time, 10))
	sig, err := base64.StdEncoding.DecodeString(comment.Signature)
	if err != nil {
		fmt.Println("BAD BASE64")
		os.Exit(2)
	}
	sum := sha256.Sum256(data.Bytes())
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig); err != nil {
		fmt.Println("BAD SIGNATURE")
		os.Exit(1)
	}
	fmt.Println("OK")
}
`;

// What `dify plugin package` does to write a package: Go archive/zip's Writer.Create per file (host
// FAT, no date, no directory entries), in the order given.
const GO_PACKAGER = `package main

import (
	"archive/zip"
	"os"
	"strings"
)

func main() {
	out, _ := os.Create(os.Args[1])
	w := zip.NewWriter(out)
	for _, arg := range os.Args[2:] {
		name, file, _ := strings.Cut(arg, "=")
		data, _ := os.ReadFile(file)
		f, _ := w.Create(name)
		f.Write(data)
	}
	if err := w.Close(); err != nil {
		os.Exit(1)
	}
	out.Close()
}
`;

const goBinaries = new Map<string, string>();
function goProgram(name: string, source: string): string {
  let binary = goBinaries.get(name);
  if (!binary) {
    const src = path.join(dir, `${name}.go`);
    fs.writeFileSync(src, source);
    binary = path.join(dir, name);
    execFileSync("go", ["build", "-o", binary, src], { env: { ...process.env, GO111MODULE: "off", GOCACHE: path.join(dir, "gocache"), GOPATH: path.join(dir, "gopath") } });
    goBinaries.set(name, binary);
  }
  return binary;
}

function goVerify(pkg: string, key: string): { ok: boolean; out: string } {
  const r = spawnSync(goProgram("verify_dify", GO_VERIFIER), [pkg, key], { encoding: "utf8" });
  return { ok: r.status === 0 && r.stdout.trim() === "OK", out: r.stdout + r.stderr };
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
