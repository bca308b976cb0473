import crypto from "node:crypto";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveError } from "../jpl/archive-error";
import { tempDir } from "../jpl/test-fixtures";
import { generateKeyPairAsync, softwareSigner, type KeyAlgorithm, type Signer } from "../signer";
import { menderPublicKeyFile } from "./key-file";
import { DEFAULT_MENDER_LIMITS, readMenderArtifact } from "./read-artifact";
import { signMenderArtifact } from "./sign-artifact";
import { verifyMenderArtifact } from "./verify-artifact";

// Fixtures are made here by the real tool (Debian's mender-artifact), and every signed artifact is
// checked by it: `mender-artifact validate -k` is what a device's ArtifactVerifyKeys check runs.
const dir = tempDir("signet-mender-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (name: string) => path.join(dir, `${n++}-${name}`);
const signers = {} as Record<"rsa-3072" | "ecdsa-p256" | "foreign", Signer>;
const keyFiles = {} as Record<keyof typeof signers, string>;

beforeAll(async () => {
  const algorithms: [keyof typeof signers, KeyAlgorithm][] = [["rsa-3072", "rsa-3072"], ["ecdsa-p256", "ecdsa-p256"], ["foreign", "rsa-3072"]];
  for (const [name, algorithm] of algorithms) {
    signers[name] = softwareSigner((await generateKeyPairAsync(algorithm)).privateKey);
    keyFiles[name] = file(`${name}.pem`);
    fs.writeFileSync(keyFiles[name], menderPublicKeyFile(signers[name].publicKeySpki));
  }
});

function menderArtifact(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync("mender-artifact", args, { encoding: "utf8" });
  return { ok: r.status === 0, out: r.stdout + r.stderr };
}

/** A realistic unsigned module-image artifact with two payload files (one of 3 MB). */
function writeArtifact(extra: string[] = [], compression = "gzip"): string {
  const work = fs.mkdtempSync(path.join(dir, "src-"));
  fs.writeFileSync(path.join(work, "install.sh"), "#!/bin/sh\necho installing\n");
  fs.writeFileSync(path.join(work, "rootfs.bin"), crypto.randomBytes(3 * 1024 * 1024));
  const out = file("unsigned.mender");
  const r = menderArtifact(["write", "module-image", "--compression", compression, "-T", "script", "-n", "release-1", "-t", "beaglebone", "-o", out, "-f", path.join(work, "install.sh"), "-f", path.join(work, "rootfs.bin"), ...extra]);
  expect(r.ok, r.out).toBe(true);
  return out;
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

const sign = (inputPath: string, signer = signers["rsa-3072"]) => {
  const outputPath = file("signed.mender");
  return signMenderArtifact({ inputPath, outputPath, signer }).then((result) => ({ ...result, outputPath }));
};

/** Readable `mender-artifact read` output, minus its progress bar. */
const readOutput = (artifact: string, key?: string) =>
  menderArtifact(["read", artifact, ...(key ? ["-k", key] : [])]).out.split("\n").filter((line) => !/^(Reading Artifact|0%|\||\.+)/.test(line)).join("\n");

describe("Mender artifact signing", () => {
  it.each(["rsa-3072", "ecdsa-p256"] as const)("signs with %s: mender-artifact validates it, rejects tampering and a foreign key", async (algorithm) => {
    const unsigned = writeArtifact();
    const { outputPath, signature, artifact } = await sign(unsigned, signers[algorithm]);

    const ok = menderArtifact(["validate", outputPath, "-k", keyFiles[algorithm]]);
    expect(ok.ok, ok.out).toBe(true);
    expect(menderArtifact(["validate", outputPath, "-k", keyFiles.foreign]).ok).toBe(false);
    if (algorithm === "ecdsa-p256") expect(Buffer.from(signature, "base64")).toHaveLength(64);
    else expect(Buffer.from(signature, "base64")).toHaveLength(384);

    // Every byte of the upload is there, in order, with manifest.sig spliced in after manifest.
    const before = fs.readFileSync(unsigned);
    const after = fs.readFileSync(outputPath);
    const cut = artifact.members.find((m) => m.name === "manifest")!.end;
    const inserted = 512 + Math.ceil(signature.length / 512) * 512;
    expect(after.length).toBe(before.length + inserted);
    expect(Buffer.concat([after.subarray(0, cut), after.subarray(cut + inserted)]).equals(before)).toBe(true);
    expect(execFileSync("tar", ["tf", outputPath], { encoding: "utf8" }).split("\n").filter(Boolean)).toEqual(["version", "manifest", "manifest.sig", "header.tar.gz", "data/0000.tar.gz"]);
    expect(execFileSync("tar", ["xOf", outputPath, "manifest.sig"], { encoding: "latin1" })).toBe(signature);

    // `mender-artifact read` shows the same artifact, now signed.
    expect(readOutput(outputPath, keyFiles[algorithm])).toBe(readOutput(unsigned).replace("Signature: no signature", "Signature: signed and verified correctly"));

    // Tampering: one flipped byte inside the payload member (past its gzip header).
    const data = artifact.members.find((m) => m.name === "data/0000.tar.gz")!;
    const tampered = file("tampered.mender");
    const bytes = Buffer.from(after);
    bytes[data.headerOffset + inserted + 512 + 4000] ^= 0x01;
    fs.writeFileSync(tampered, bytes);
    expect(menderArtifact(["validate", tampered, "-k", keyFiles[algorithm]]).ok).toBe(false);

    // Signet's own verifier agrees on all three.
    expect(await verifyMenderArtifact(outputPath, [signers.foreign.publicKeySpki, signers[algorithm].publicKeySpki])).toMatchObject({ valid: true, keyIndex: 1 });
    expect(await verifyMenderArtifact(outputPath, [signers.foreign.publicKeySpki])).toMatchObject({ valid: false });
    expect((await verifyMenderArtifact(tampered, [signers[algorithm].publicKeySpki])).valid).toBe(false);
  });

  it("a changed manifest (one checksum rewritten) fails the signature in mender-artifact and in Signet", async () => {
    const { outputPath, artifact } = await sign(writeArtifact());
    const manifest = artifact.members.find((m) => m.name === "manifest")!;
    const bytes = fs.readFileSync(outputPath);
    const at = manifest.headerOffset + 512;
    bytes[at] = bytes[at] === 0x30 ? 0x31 : 0x30;
    const tampered = file("tampered.mender");
    fs.writeFileSync(tampered, bytes);
    expect(menderArtifact(["validate", tampered, "-k", keyFiles["rsa-3072"]]).ok).toBe(false);
    expect((await verifyMenderArtifact(tampered, [signers["rsa-3072"].publicKeySpki])).valid).toBe(false);
  });

  it("reads what mender-artifact wrote: members, manifest lines and payload files", async () => {
    const artifact = await readMenderArtifact(writeArtifact(), { allowSignature: false });
    expect(artifact.members.map((m) => m.name)).toEqual(["version", "manifest", "header.tar.gz", "data/0000.tar.gz"]);
    expect([...artifact.checksums.keys()].sort()).toEqual(["data/0000/install.sh", "data/0000/rootfs.bin", "header.tar.gz", "version"]);
    expect(artifact.payloads).toEqual([{ index: 0, member: "data/0000.tar.gz", files: [{ name: "install.sh", size: 26 }, { name: "rootfs.bin", size: 3 * 1024 * 1024 }] }]);
  });

  it("signs a rootfs-image artifact (the full-system update)", async () => {
    const image = file("rootfs.ext4");
    fs.writeFileSync(image, crypto.randomBytes(512 * 1024));
    const unsigned = file("rootfs.mender");
    expect(menderArtifact(["write", "rootfs-image", "-f", image, "-n", "release-2", "-t", "beaglebone", "-o", unsigned]).ok).toBe(true);
    const { outputPath } = await sign(unsigned, signers["ecdsa-p256"]);
    const ok = menderArtifact(["validate", outputPath, "-k", keyFiles["ecdsa-p256"]]);
    expect(ok.ok, ok.out).toBe(true);
  });

  it("signs an uncompressed artifact too", async () => {
    const { outputPath } = await sign(writeArtifact([], "none"));
    expect(menderArtifact(["validate", outputPath, "-k", keyFiles["rsa-3072"]]).ok).toBe(true);
  });

  it("streams: signing a 160 MB artifact does not hold it in memory", async () => {
    const work = fs.mkdtempSync(path.join(dir, "big-"));
    const image = path.join(work, "rootfs.img");
    const payload = Buffer.alloc(1024 * 1024);
    const fd = fs.openSync(image, "w");
    for (let i = 0; i < 160; i++) {
      crypto.randomFillSync(payload.subarray(0, 4096));
      fs.writeSync(fd, payload);
    }
    fs.closeSync(fd);
    const unsigned = file("big.mender");
    expect(menderArtifact(["write", "module-image", "--compression", "none", "-T", "image", "-n", "big", "-t", "device", "-o", unsigned, "-f", image]).ok).toBe(true);
    fs.rmSync(work, { recursive: true });
    globalThis.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
    try {
      const { outputPath } = await sign(unsigned);
      peak = Math.max(peak, process.memoryUsage().rss);
      expect(fs.statSync(outputPath).size).toBeGreaterThan(160 * 1024 * 1024);
      expect(menderArtifact(["validate", outputPath, "-k", keyFiles["rsa-3072"]]).ok).toBe(true);
    } finally {
      clearInterval(sampler);
    }
    expect((peak - baseline) / 1024 / 1024).toBeLessThan(96);
  });

  it("never overwrites an existing output, and a missing input is an error, not a hang", async () => {
    const unsigned = writeArtifact();
    const existing = file("existing.mender");
    fs.writeFileSync(existing, "keep me");
    await expect(signMenderArtifact({ inputPath: unsigned, outputPath: existing, signer: signers["rsa-3072"] })).rejects.toThrow(/EEXIST/);
    expect(fs.readFileSync(existing, "utf8")).toBe("keep me");
    await expect(signMenderArtifact({ inputPath: file("absent.mender"), outputPath: file("x.mender"), signer: signers["rsa-3072"] })).rejects.toThrow();
  });

  it("refuses an artifact that is already signed, by Signet or by mender-artifact", async () => {
    const { outputPath } = await sign(writeArtifact());
    expect((await refusal(sign(outputPath))).code).toBe("already_signed");
    const menderKey = file("mender-private.pem");
    // mender-artifact 3.9 reads PKCS#1 ("traditional") private keys.
    execFileSync("openssl", ["genrsa", "-traditional", "-out", menderKey, "3072"], { stdio: "ignore" });
    expect((await refusal(sign(writeArtifact(["-k", menderKey])))).code).toBe("already_signed");
  });

  it("refuses an augmented artifact (manifest-augment, header-augment are outside the signature)", async () => {
    expect((await refusal(sign(writeArtifact(["--augment-type", "script", "--augment-provides", "extra:1"])))).code).toBe("augmented_artifact");
  });

  it("refuses an lzma payload it cannot read to check", async () => {
    const err = await refusal(sign(writeArtifact([], "lzma")));
    expect(err.code).toBe("unsupported_compression");
  });

  it("caps the decompressed bytes of all payloads together (a gzip bomb per payload does not add up)", async () => {
    const unsigned = writeArtifact();
    const limits = { ...DEFAULT_MENDER_LIMITS, maxPayloadStreamTotal: 2 * 1024 * 1024 };
    expect((await refusal(signMenderArtifact({ inputPath: unsigned, outputPath: file("x.mender"), signer: signers["rsa-3072"], limits }))).code).toBe("too_large");
  });

  it("refuses signing keys mender-artifact cannot verify", async () => {
    const p384 = softwareSigner((await generateKeyPairAsync("ecdsa-p384")).privateKey);
    await expect(sign(writeArtifact(), p384)).rejects.toThrow(/P-256/);
    const rsa2048 = softwareSigner((await generateKeyPairAsync("rsa-2048")).privateKey);
    await expect(sign(writeArtifact(), rsa2048)).rejects.toThrow(/RSA-3072/);
  });
});

// Hostile artifacts, rebuilt from a real one's members with Python's tarfile (a writer Signet did not write).
describe("Mender artifact refusals", () => {
  let members: Record<string, Buffer>;
  beforeAll(() => {
    const source = writeArtifact();
    members = {};
    for (const name of ["version", "manifest", "header.tar.gz", "data/0000.tar.gz"]) members[name] = execFileSync("tar", ["xOf", source, name], { maxBuffer: 64 * 1024 * 1024 });
  });

  type Spec = { name: string; content?: Buffer; type?: "symlink" | "dir" | "fifo" };
  function repack(specs: Spec[], format: "ustar" | "pax" = "ustar"): string {
    const staging = fs.mkdtempSync(path.join(dir, "repack-"));
    const list = specs.map((s, i) => {
      if (s.content) fs.writeFileSync(path.join(staging, String(i)), s.content);
      return { name: s.name, type: s.type ?? "file", path: path.join(staging, String(i)) };
    });
    const out = file("hostile.mender");
    const script = `import json, sys, tarfile
fmt = tarfile.PAX_FORMAT if sys.argv[3] == "pax" else tarfile.USTAR_FORMAT
with tarfile.open(sys.argv[1], "w", format=fmt) as t:
    for m in json.loads(sys.argv[2]):
        info = tarfile.TarInfo(m["name"]); info.mode = 0o600
        if m["type"] == "symlink": info.type = tarfile.SYMTYPE; info.linkname = "/etc/shadow"; t.addfile(info)
        elif m["type"] == "dir": info.type = tarfile.DIRTYPE; t.addfile(info)
        elif m["type"] == "fifo": info.type = tarfile.FIFOTYPE; t.addfile(info)
        else:
            data = open(m["path"], "rb").read(); info.size = len(data)
            import io; t.addfile(info, io.BytesIO(data))
`;
    execFileSync("/usr/bin/python3", ["-c", script, out, JSON.stringify(list), format]);
    return out;
  }
  const plain = (names = ["version", "manifest", "header.tar.gz", "data/0000.tar.gz"]): Spec[] => names.map((name) => ({ name, content: members[name] }));
  const withManifest = (text: string): Spec[] => plain().map((s) => (s.name === "manifest" ? { name: "manifest", content: Buffer.from(text, "latin1") } : s));

  it("accepts the faithful rebuild (so each refusal below is the change it names)", async () => {
    const { outputPath } = await sign(repack(plain()));
    expect(menderArtifact(["validate", outputPath, "-k", keyFiles["rsa-3072"]]).ok).toBe(true);
  });

  it.each<[string, () => Spec[], string]>([
    ["members out of order", () => plain(["version", "header.tar.gz", "manifest", "data/0000.tar.gz"]), "unexpected_member"],
    ["no version first", () => plain(["manifest", "version", "header.tar.gz", "data/0000.tar.gz"]), "unexpected_member"],
    ["an unknown member", () => [...plain(), { name: "extra.txt", content: Buffer.from("x") }], "unexpected_member"],
    ["a payload out of sequence", () => plain().map((s) => (s.name === "data/0000.tar.gz" ? { ...s, name: "data/0001.tar.gz" } : s)), "unexpected_member"],
    ["a duplicated payload", () => [...plain(), { name: "data/0000.tar.gz", content: members["data/0000.tar.gz"] }], "duplicate_entry"],
    ["a symbolic link", () => [...plain(), { name: "data/0001.tar.gz", type: "symlink" }], "symlink"],
    ["a fifo", () => [...plain(), { name: "data/0001.tar.gz", type: "fifo" }], "special_file"],
    ["a directory", () => [...plain(), { name: "data/", type: "dir" }], "directory_entry"],
    ["a path escape", () => [...plain(), { name: "../data/0001.tar.gz", content: Buffer.from("x") }], "parent_path"],
    ["a header that fails its checksum", () => plain().map((s) => (s.name === "header.tar.gz" ? { ...s, content: Buffer.concat([s.content!, Buffer.from([0])]) } : s)), "checksum_mismatch"],
    ["a payload file the manifest does not list", () => withManifest(members.manifest.toString("latin1").split("\n").filter((l) => !l.endsWith("rootfs.bin")).join("\n")), "unlisted_member"],
    ["a manifest line for a file that is not there", () => withManifest(members.manifest.toString("latin1") + `${"0".repeat(64)}  data/0000/ghost.bin\n`), "checksum_mismatch"],
    ["a manifest with a blank line (mender-artifact would sign other bytes)", () => withManifest(members.manifest.toString("latin1") + "\n"), "manifest_invalid"],
    ["a manifest with uppercase hex", () => withManifest(members.manifest.toString("latin1").toUpperCase()), "manifest_invalid"],
    ["a manifest without its last newline", () => withManifest(members.manifest.toString("latin1").slice(0, -1)), "manifest_invalid"],
    ["format version 2", () => plain().map((s) => (s.name === "version" ? { ...s, content: Buffer.from('{"format":"mender","version":2}') } : s)), "unsupported_version"],
  ])("refuses %s", async (label, specs, code) => {
    void label;
    const hostile = repack(specs());
    const out = file("never.mender");
    expect((await refusal(signMenderArtifact({ inputPath: hostile, outputPath: out, signer: signers["rsa-3072"] }))).code).toBe(code);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("refuses an outer member behind a pax extended header (the outer tar needs none)", async () => {
    // Python writes a pax header only where one is needed: a name longer than ustar holds.
    const long = repack([...plain(), { name: `data/${"x".repeat(120)}.tar.gz`, content: Buffer.from("x") }], "pax");
    expect((await refusal(sign(long))).code).toBe("not_a_tar");
  });

  it("closes the upload's file descriptor whatever it refuses", async () => {
    const openFds = () => fs.readdirSync("/proc/self/fd").length;
    const hostile = repack(plain(["version", "header.tar.gz", "manifest", "data/0000.tar.gz"]));
    await refusal(sign(hostile));
    const before = openFds();
    for (let i = 0; i < 40; i++) await refusal(sign(hostile));
    expect(openFds()).toBeLessThanOrEqual(before + 2);
  });

  it("refuses data hidden after the end-of-archive marker, a truncated artifact, and a non-tar", async () => {
    const good = repack(plain());
    const hidden = file("hidden.mender");
    fs.writeFileSync(hidden, Buffer.concat([fs.readFileSync(good), fs.readFileSync(repack([{ name: "data/0001.tar.gz", content: Buffer.from("evil") }]))]));
    expect((await refusal(sign(hidden))).code).toBe("not_a_tar");
    const truncated = file("truncated.mender");
    fs.writeFileSync(truncated, fs.readFileSync(good).subarray(0, 2048 + 100));
    expect((await refusal(sign(truncated))).code).toBe("not_a_tar");
    const notTar = file("zip.mender");
    fs.writeFileSync(notTar, crypto.randomBytes(4096));
    expect((await refusal(sign(notTar))).code).toBe("not_a_tar");
  });
});
