import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { decode } from "@msgpack/msgpack";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toPem } from "../certificate/pem";
import { ArchiveError } from "./archive-error";
import { SafeArchive } from "./read-archive";
import { signArchive } from "./sign-archive";
import { makeHierarchy, patchUnixTimestamps, pluginEntries, rawEntryNames, rawZipTo, tempDir, zipTo, type FixtureEntry, type TestHierarchy } from "./test-fixtures";
import { closePrimes, rsaPrivateKey, withSubjectKey } from "../keys/test-keys";
import { spkiOf } from "../signer";

const dir = tempDir("signet-sign-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const ID = "com.acme.demo";
let pki: TestHierarchy;
let n = 0;
const file = (name: string) => path.join(dir, `${n++}-${name}`);
const run = (cmd: string, args: string[], cwd?: string) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

beforeAll(async () => {
  pki = await makeHierarchy({ pluginId: ID });
});

/** What the Jami daemon does, done with stock tools: unzip, openssl dgst, openssl verify, certtool. */
function jamiStyleVerify(signedPath: string): { entries: string[]; signed: string[] } {
  const out = fs.mkdtempSync(path.join(dir, "x-"));
  run("unzip", ["-qq", signedPath, "-d", out]);
  const entries = run("unzip", ["-Z1", signedPath]).trim().split("\n");
  const manifest = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8"));
  const id: string = manifest.id ?? manifest.name;
  const chain = fs.readFileSync(path.join(out, `${id}.crt`), "utf8");
  const [leafPem, orgPem] = chain.split(/(?<=-----END CERTIFICATE-----\n)/);
  fs.writeFileSync(path.join(out, "..leaf.pem"), leafPem);
  fs.writeFileSync(path.join(out, "..org.pem"), orgPem);
  fs.writeFileSync(path.join(out, "..root.pem"), pki.rootPem);
  expect(run("openssl", ["verify", "-CAfile", path.join(out, "..root.pem"), "-untrusted", path.join(out, "..org.pem"), path.join(out, "..leaf.pem")])).toContain("OK");
  expect(run("certtool", ["--verify", "--verify-profile=medium", "--load-ca-certificate", path.join(out, "..root.pem"), "--infile", path.join(out, `${id}.crt`)])).toMatch(/Chain verification output: Verified/);
  const pub = path.join(out, "..pub.pem");
  fs.writeFileSync(pub, run("openssl", ["x509", "-in", path.join(out, "..leaf.pem"), "-noout", "-pubkey"]));
  const dgstVerify = (content: string, signature: Uint8Array) => {
    const sig = path.join(out, "..sig");
    fs.writeFileSync(sig, signature);
    return run("openssl", ["dgst", "-sha512", "-verify", pub, "-signature", sig, content]);
  };
  expect(dgstVerify(path.join(out, "signatures"), fs.readFileSync(path.join(out, "signatures.sig")))).toContain("Verified OK");
  // An independent MessagePack decoder must see a map of str -> bin.
  const map = decode(fs.readFileSync(path.join(out, "signatures"))) as Record<string, unknown>;
  const empty = path.join(out, "..empty");
  fs.writeFileSync(empty, "");
  for (const [entry, signature] of Object.entries(map)) {
    expect(signature, entry).toBeInstanceOf(Uint8Array);
    const content = entry.endsWith("/") ? empty : path.join(out, entry);
    expect(dgstVerify(content, signature as Uint8Array), entry).toContain("Verified OK");
  }
  const expected = entries.filter((e) => !["signatures", "signatures.sig", `${id}.crt`].includes(e));
  expect(Object.keys(map).sort()).toEqual([...expected].sort());
  return { entries, signed: Object.keys(map) };
}

describe("signing a .jpl (Jami format)", () => {
  it("signs every entry, directories included, so that stock tools verify it as the Jami daemon would", async () => {
    const input = await zipTo(file("in.jpl"), pluginEntries(ID, "2.0.1"));
    const output = file("signed.jpl");
    const result = await signArchive({ inputPath: input, outputPath: output, privateKey: pki.pluginKey, chainDer: pki.chainDer, expectedPluginId: ID });
    expect(result.manifest).toMatchObject({ id: ID, version: "2.0.1" });
    expect(result.files.map((f) => f.path)).toContain("data/");
    expect(Buffer.from(result.sha256).toString("hex")).toBe(crypto.createHash("sha256").update(fs.readFileSync(output)).digest("hex"));
    expect(result.size).toBe(fs.statSync(output).size);
    expect(run("unzip", ["-t", output])).toContain("No errors detected");
    const { entries, signed } = jamiStyleVerify(output);
    expect(entries.slice(-3)).toEqual([`${ID}.crt`, "signatures", "signatures.sig"]);
    expect(signed).toEqual(expect.arrayContaining(["manifest.json", "data/", "lib/x86_64-linux-gnu/", "lib/x86_64-linux-gnu/libplugin.so"]));
    // The chain entry is plugin certificate first, then the org CA.
    const crt = run("unzip", ["-p", output, `${ID}.crt`]);
    expect(crt).toBe(toPem(pki.pluginDer, "CERTIFICATE") + toPem(pki.orgCaDer, "CERTIFICATE"));
    // Executable bits survive the copy (plugin libraries need them).
    expect(run("zipinfo", [output, "lib/x86_64-linux-gnu/libplugin.so"])).toMatch(/^-rwxr-xr-x/);
  });

  it("replaces signature entries already in the upload, so re-signing a signed archive works", async () => {
    const input = await zipTo(file("in.jpl"), [...pluginEntries(ID), { name: "signatures", content: "junk" }, { name: "signatures.sig", content: "junk" }, { name: `${ID}.crt`, content: "junk" }]);
    const once = file("once.jpl");
    await signArchive({ inputPath: input, outputPath: once, privateKey: pki.pluginKey, chainDer: pki.chainDer });
    const twice = file("twice.jpl");
    await signArchive({ inputPath: once, outputPath: twice, privateKey: pki.pluginKey, chainDer: pki.chainDer });
    const { entries } = jamiStyleVerify(twice);
    expect(entries.filter((e) => e === "signatures" || e === "signatures.sig" || e === `${ID}.crt`)).toHaveLength(3);
  });

  it("signs on worker threads with exactly the bytes of inline signing", async () => {
    const entries: FixtureEntry[] = [...pluginEntries(ID)];
    for (let i = 0; i < 300; i++) entries.push({ name: `data/f${i}.txt`, content: `file ${i} `.repeat(i + 1) });
    const input = await zipTo(file("many.jpl"), entries);
    const [a, b] = [file("inline.jpl"), file("threads.jpl")];
    const now = new Date("2025-05-05T00:00:00Z");
    await signArchive({ inputPath: input, outputPath: a, privateKey: pki.pluginKey, chainDer: pki.chainDer, threads: 0, now });
    await signArchive({ inputPath: input, outputPath: b, privateKey: pki.pluginKey, chainDer: pki.chainDer, threads: 2, now });
    expect(run("unzip", ["-p", a, "signatures"])).toBe(run("unzip", ["-p", b, "signatures"]));
    expect(crypto.createHash("sha256").update(fs.readFileSync(a)).digest("hex")).toBe(crypto.createHash("sha256").update(fs.readFileSync(b)).digest("hex"));
    const archive = await SafeArchive.open(b);
    expect(archive.entries).toHaveLength(entries.length + 3);
    archive.close();
  });

  it("refuses an archive whose manifest names another plugin, and leaves no output behind", async () => {
    const input = await zipTo(file("other.jpl"), pluginEntries("com.acme.other"));
    const output = file("never.jpl");
    await expect(signArchive({ inputPath: input, outputPath: output, privateKey: pki.pluginKey, chainDer: pki.chainDer, expectedPluginId: ID })).rejects.toMatchObject({ code: "manifest_id_mismatch" });
    expect(fs.existsSync(output)).toBe(false);
  });

  it("never overwrites an existing output, and leaves that file in place (it is not this call's to remove)", async () => {
    const input = await zipTo(file("exists-in.jpl"), pluginEntries(ID));
    const existing = file("exists.jpl");
    fs.writeFileSync(existing, "someone else's file");
    await expect(signArchive({ inputPath: input, outputPath: existing, privateKey: pki.pluginKey, chainDer: pki.chainDer, expectedPluginId: ID })).rejects.toThrow(/EEXIST/);
    expect(fs.readFileSync(existing, "utf8")).toBe("someone else's file");
  });

  it("removes a half-written output when an entry turns out hostile mid-way", async () => {
    const input = await zipTo(file("late-bomb.jpl"), [...pluginEntries(ID), { name: "data/zz.bin", content: Buffer.alloc(200_000, 1) }]);
    const output = file("partial.jpl");
    // A CRC corrupted after the fact is only noticed while the entry streams, after others were written.
    const buf = fs.readFileSync(input);
    const central = buf.lastIndexOf(Buffer.from("data/zz.bin"));
    buf.writeUInt32LE(0xdeadbeef, central - 46 + 16);
    fs.writeFileSync(input, buf);
    const err = await signArchive({ inputPath: input, outputPath: output, privateKey: pki.pluginKey, chainDer: pki.chainDer }).catch((e) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect(err.code).toBe("crc_mismatch");
    expect(fs.existsSync(output)).toBe(false);
  });

  it("signs an archive whose entries are dated before 1970 (yazl cannot write such dates; the reader clamps them)", async () => {
    const input = await zipTo(file("old.jpl"), pluginEntries(ID));
    patchUnixTimestamps(input, -1_000_000_000);
    const output = file("old-signed.jpl");
    await signArchive({ inputPath: input, outputPath: output, privateKey: pki.pluginKey, chainDer: pki.chainDer });
    const archive = await SafeArchive.open(output);
    const copied = archive.entries.filter((e) => pluginEntries(ID).some((p) => p.name === e.name));
    expect(copied.map((e) => e.mtime.getTime())).toEqual(pluginEntries(ID).map(() => Date.UTC(1980, 0, 1)));
    archive.close();
  });

  it("refuses a key that is not the chain's, and a non-RSA key", async () => {
    const input = await zipTo(file("k.jpl"), pluginEntries(ID));
    const other = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    await expect(signArchive({ inputPath: input, outputPath: file("k1.jpl"), privateKey: other, chainDer: pki.chainDer })).rejects.toThrow(/does not belong/);
    const ec = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
    await expect(signArchive({ inputPath: input, outputPath: file("k2.jpl"), privateKey: ec, chainDer: pki.chainDer })).rejects.toThrow();
  });
  it("writes every entry back under the exact name bytes it verified and signed", async () => {
    const names = ["data/", "data/café.txt", "data/日本語.txt", "data/🎉 party.txt", "data/readme.txt", "lib/"];
    const input = rawZipTo(file("names.jpl"), [
      { name: "manifest.json", content: JSON.stringify({ id: ID, name: "demo", version: "1.0.0" }) },
      ...names.map((name) => ({ name, content: name.endsWith("/") ? "" : `content of ${name}` })),
      // Unflagged printable ASCII is the one name form that needs no flag; it must stay byte-identical too.
      { name: "data/ascii-unflagged.txt", utf8: false, content: "x" },
    ]);
    const output = file("names-signed.jpl");
    await signArchive({ inputPath: input, outputPath: output, privateKey: pki.pluginKey, chainDer: pki.chainDer });
    const before = rawEntryNames(input);
    const after = rawEntryNames(output).slice(0, before.length);
    expect(after.map((e) => e.central.toString("hex"))).toEqual(before.map((e) => e.central.toString("hex")));
    expect(after.map((e) => e.local.toString("hex"))).toEqual(before.map((e) => e.central.toString("hex")));
    // Python's zipfile (not ours) reads the same names, and they are the keys of the signatures map.
    const listed = JSON.parse(run("python3", ["-c", "import json,sys,zipfile; print(json.dumps(zipfile.ZipFile(sys.argv[1]).namelist()))", output])) as string[];
    expect(listed.slice(0, before.length)).toEqual(before.map((e) => e.central.toString("utf8")));
    const out = fs.mkdtempSync(path.join(dir, "names-"));
    run("unzip", ["-qq", output, "-d", out]);
    const map = decode(fs.readFileSync(path.join(out, "signatures"))) as Record<string, unknown>;
    expect(Object.keys(map).sort()).toEqual(listed.filter((name) => ![`${ID}.crt`, "signatures", "signatures.sig"].includes(name)).sort());
  });
});

describe("signing with a key from disk", () => {
  it("refuses a weak plugin key (Fermat-close primes), even with a chain that names it", async () => {
    const [p, q] = closePrimes(2048);
    const weak = rsaPrivateKey(p, q);
    const chainDer = [withSubjectKey(pki.pluginDer, spkiOf(weak)), pki.orgCaDer];
    const input = await zipTo(file("weak-in.jpl"), pluginEntries(ID, "1.0.0"));
    await expect(signArchive({ inputPath: input, outputPath: file("weak-out.jpl"), privateKey: weak, chainDer })).rejects.toThrow(/plugin key is weak.*Fermat/);
  });
});
