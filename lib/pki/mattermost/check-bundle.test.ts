// Mattermost bundles: read strictly (tar.gz made by GNU tar and, for hostile shapes, by tar-stream's
// packer), then signed through the Signer and checked by gpgv and by Go's golang.org/x/crypto/openpgp —
// the same ReadKeyRing + CheckDetachedSignature Mattermost's plugin_signature.go runs.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import zlib from "node:zlib";
import tar from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTar, DEFAULT_TAR_LIMITS } from "../archive/read-tar";
import { ArchiveError } from "../jpl/archive-error";
import { generateKeyPair, softwareSigner } from "../signer";
import { armorSignature, detachedSignature, openpgpPublicKey } from "../openpgp/sign";
import { buildGoVerifier, gpgv, run, tempDir, toolAvailable } from "../openpgp/test-tools";
import { checkMattermostBundle } from "./check-bundle";

const hasGpgv = toolAvailable("gpgv");
const hasGo = toolAvailable("go");
const CREATED = new Date("2026-11-01T00:00:00Z");
const NOW = new Date("2026-12-01T10:00:00Z");

type Item = { name: string; type?: tar.Header["type"]; content?: Buffer | string; linkname?: string; mode?: number; size?: number };

async function tarBytes(items: Item[], { end = true } = {}): Promise<Buffer> {
  const pack = tar.pack();
  const out: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack) out.push(Buffer.from(c as Uint8Array));
  })();
  for (const it of items) {
    const content = it.content === undefined ? undefined : Buffer.from(it.content);
    await new Promise<void>((resolve, reject) => {
      const header: tar.Header = { name: it.name, type: it.type ?? "file", mode: it.mode ?? (it.type === "directory" ? 0o755 : 0o644), mtime: new Date("2026-01-01T00:00:00Z"), ...(it.linkname ? { linkname: it.linkname } : {}) } as tar.Header;
      if (header.type === "file") header.size = content?.length ?? 0;
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (content) pack.entry(header, content, cb);
      else pack.entry(header, cb);
    });
  }
  pack.finalize();
  await done;
  const all = Buffer.concat(out);
  // tar-stream ends with two zero blocks; `end: false` strips them to splice archives in tests.
  return end ? all : all.subarray(0, all.length - 1024);
}

const gz = (b: Buffer) => zlib.gzipSync(b);
const stream = (b: Buffer) => Readable.from([b]);

async function refusal(bytes: Buffer, options?: Parameters<typeof checkMattermostBundle>[1]): Promise<ArchiveError> {
  try {
    await checkMattermostBundle(stream(bytes), options);
  } catch (err) {
    expect(err).toBeInstanceOf(ArchiveError);
    return err as ArchiveError;
  }
  throw new Error("the bundle was accepted");
}

const manifest = (id = "com.example.demo", version = "1.2.3") => JSON.stringify({ id, version, name: "Demo", server: { executables: { "linux-amd64": "server/dist/plugin-linux-amd64" } } });

describe("Mattermost bundle check (tar.gz)", () => {
  let dir: string;
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  beforeAll(() => {
    dir = tempDir("signet-mm-");
  });

  it("reads a bundle made by GNU tar with the plugin in one top directory, and hashes the exact bytes", async () => {
    const root = path.join(dir, "src1");
    fs.mkdirSync(path.join(root, "com.example.demo/server/dist"), { recursive: true });
    fs.mkdirSync(path.join(root, "com.example.demo/webapp/dist"), { recursive: true });
    fs.writeFileSync(path.join(root, "com.example.demo/plugin.json"), manifest());
    fs.writeFileSync(path.join(root, "com.example.demo/server/dist/plugin-linux-amd64"), crypto.randomBytes(50_000), { mode: 0o755 });
    fs.writeFileSync(path.join(root, "com.example.demo/webapp/dist/main.js"), "console.log(1)");
    const bundle = path.join(dir, "com.example.demo-1.2.3.tar.gz");
    execFileSync("tar", ["-czf", bundle, "-C", root, "com.example.demo"]);
    const result = await checkMattermostBundle(fs.createReadStream(bundle), { expectedPluginId: "com.example.demo" });
    expect(result).toMatchObject({ id: "com.example.demo", version: "1.2.3", manifestPath: "com.example.demo/plugin.json" });
    expect(Buffer.from(result.sha256).toString("hex")).toBe(crypto.createHash("sha256").update(fs.readFileSync(bundle)).digest("hex"));
    expect(result.size).toBe(fs.statSync(bundle).size);
    expect(result.entries.find((e) => e.name === "com.example.demo/server/dist/plugin-linux-amd64")).toMatchObject({ type: "file", size: 50_000, mode: 0o755 });
    expect(result.entries.some((e) => e.name === "com.example.demo/server/" && e.type === "directory")).toBe(true);
  });

  it("reads plugin.yaml at the root of a bundle made with `tar czf x.tgz .` (./ prefixes)", async () => {
    const root = path.join(dir, "src2");
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, "plugin.yaml"), "id: com.example.yaml\nversion: 0.1.0-beta.1\nname: Y\n");
    fs.writeFileSync(path.join(root, "README.md"), "hi");
    const bundle = path.join(dir, "yaml.tar.gz");
    execFileSync("tar", ["-czf", bundle, "-C", root, "."]);
    const result = await checkMattermostBundle(fs.createReadStream(bundle));
    expect(result).toMatchObject({ id: "com.example.yaml", version: "0.1.0-beta.1", manifestPath: "plugin.yaml" });
  });

  it("names what is wrong with the manifest", async () => {
    expect((await refusal(gz(await tarBytes([{ name: "p/plugin.json", content: manifest("com.example.other") }])), { expectedPluginId: "com.example.demo" })).code).toBe("manifest_id_mismatch");
    expect((await refusal(gz(await tarBytes([{ name: "p/README", content: "x" }])))).code).toBe("manifest_missing");
    // A manifest two levels down is not where Mattermost looks.
    expect((await refusal(gz(await tarBytes([{ name: "a/b/plugin.json", content: manifest() }])))).code).toBe("manifest_missing");
    const two = await refusal(gz(await tarBytes([{ name: "plugin.json", content: manifest() }, { name: "plugin.yaml", content: "id: com.example.demo\nversion: 1.0.0\n" }])));
    expect(two.code).toBe("manifest_invalid");
    expect(two.message).toMatch(/more than one manifest/);
    for (const [content, pattern] of [
      ["{not json", /does not parse/],
      ['{"id":"ab","version":"1.0.0"}', /'id'/],
      ['{"id":"com.example/../x","version":"1.0.0"}', /'id'/],
      ['{"id":"com.example.demo","version":"v1"}', /'version'/],
      ["[1]", /not an object/],
    ] as const) {
      const err = await refusal(gz(await tarBytes([{ name: "plugin.json", content }])));
      expect(err.code, content).toBe("manifest_invalid");
      expect(err.message).toMatch(pattern);
    }
    const bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(",")}]`).join("\n") + "\nid: com.example.demo\nversion: 1.0.0\n";
    expect((await refusal(gz(await tarBytes([{ name: "plugin.yml", content: bomb }])))).code).toBe("manifest_invalid");
  });

  it("refuses links, devices, FIFOs, path escapes, absolute paths, setuid bits and duplicates", async () => {
    const base = { name: "plugin.json", content: manifest() };
    const cases: [Item, string][] = [
      [{ name: "evil", type: "symlink", linkname: "/etc/passwd" }, "symlink"],
      [{ name: "hard", type: "link", linkname: "plugin.json" }, "symlink"],
      [{ name: "dev", type: "character-device" }, "special_file"],
      [{ name: "blk", type: "block-device" }, "special_file"],
      [{ name: "pipe", type: "fifo" }, "special_file"],
      [{ name: "../escape", content: "x" }, "parent_path"],
      [{ name: "a/../../escape", content: "x" }, "parent_path"],
      [{ name: "/etc/cron.d/x", content: "x" }, "absolute_path"],
      [{ name: "a\\b", content: "x" }, "backslash_path"],
      [{ name: "suid", content: "x", mode: 0o4755 }, "special_file"],
      [{ name: "plugin.json", content: manifest() }, "duplicate_entry"],
      [{ name: "plugin.json/inner", content: "x" }, "duplicate_entry"],
      [{ name: "file-with-slash/", content: "x" }, "bad_file_name"],
    ];
    for (const [item, code] of cases) {
      const err = await refusal(gz(await tarBytes([base, item])));
      expect(err.code, item.name).toBe(code);
    }
    const twice = await refusal(gz(await tarBytes([base, { name: "d/", type: "directory" }, { name: "d/x", content: "x" }, { name: "./d/", type: "directory" }])));
    expect(twice.code).toBe("duplicate_entry");
    // A directory implied by a path and named afterwards is fine (tar writes parents first, but not always).
    await expect(checkMattermostBundle(stream(gz(await tarBytes([base, { name: "e/f", content: "x" }, { name: "e/", type: "directory" }]))))).resolves.toMatchObject({ id: "com.example.demo" });
  });

  it("caps the inflated size while inflating, the compressed size and the entry count", async () => {
    // 64 MiB of zeros compress to ~64 KiB; the cap is 8 MiB.
    const limits = { ...DEFAULT_TAR_LIMITS, maxTarBytes: 8 * 1024 * 1024 };
    const pack = tar.pack();
    const gzip = zlib.createGzip();
    const chunks: Buffer[] = [];
    const collected = (async () => {
      for await (const c of pack.pipe(gzip)) chunks.push(c as Buffer);
    })();
    const big = pack.entry({ name: "zeros.bin", size: 64 * 1024 * 1024 }, () => {});
    const block = Buffer.alloc(1024 * 1024);
    const sink = big as unknown as NodeJS.WritableStream;
    for (let i = 0; i < 64; i++) sink.write(block);
    sink.end();
    pack.finalize();
    await collected;
    const bomb = Buffer.concat(chunks);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const err = await refusal(bomb, { limits });
    expect(err.code).toBe("too_large");
    expect(err.message).toMatch(/inflates to more than/);
    expect((await refusal(bomb, { limits: { ...DEFAULT_TAR_LIMITS, maxCompressedBytes: 10_000 } })).code).toBe("too_large");
    const many = await tarBytes([{ name: "plugin.json", content: manifest() }, ...Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, content: "x" }))]);
    expect((await refusal(gz(many), { limits: { ...DEFAULT_TAR_LIMITS, maxEntries: 10 } })).code).toBe("too_many_entries");
  });

  it("sees the archive Go's archive/tar sees: nothing hidden after the end marker, no lone zero block, no truncation", async () => {
    const a = await tarBytes([{ name: "plugin.json", content: manifest() }]);
    const hidden = await tarBytes([{ name: "late.js", content: "evil()" }]);
    expect((await refusal(gz(Buffer.concat([a, hidden])))).message).toMatch(/follows the tar end-of-archive marker/);
    const open = await tarBytes([{ name: "plugin.json", content: manifest() }], { end: false });
    expect((await refusal(gz(Buffer.concat([open, Buffer.alloc(512), hidden])))).message).toMatch(/single zero block/);
    // Zero padding after the marker (GNU tar pads to 10 KiB records) is fine.
    await expect(checkMattermostBundle(stream(gz(Buffer.concat([a, Buffer.alloc(8192)]))))).resolves.toMatchObject({ id: "com.example.demo" });
    const truncated = gz(a.subarray(0, 700));
    expect((await refusal(truncated)).code).toBe("not_a_tar");
    expect((await refusal(Buffer.from("PK\u0003\u0004 not a gzip"))).code).toBe("not_a_tar");
    expect((await refusal(Buffer.concat([Buffer.from([0x1f, 0x8b]), crypto.randomBytes(200)]))).code).toBe("not_a_tar");
    expect((await refusal(gz(crypto.randomBytes(4096)))).code).toBe("not_a_tar");
  });

  it("readTar streams entries one at a time with backpressure, and a visitor may leave content unread", async () => {
    const data = crypto.randomBytes(3 * 1024 * 1024);
    const bytes = gz(await tarBytes([{ name: "big.bin", content: data }, { name: "skipped.bin", content: crypto.randomBytes(100_000) }, { name: "last.txt", content: "end" }]));
    const seen: string[] = [];
    let hashed = "";
    await readTar(stream(bytes), async (entry, content) => {
      seen.push(entry.name);
      if (entry.name === "big.bin") {
        const h = crypto.createHash("sha256");
        for await (const c of content) {
          h.update(c as Buffer);
          await new Promise((r) => setImmediate(r));
        }
        hashed = h.digest("hex");
      }
      if (entry.name === "last.txt") content.destroy();
    }, { gzip: true });
    expect(seen).toEqual(["big.bin", "skipped.bin", "last.txt"]);
    expect(hashed).toBe(crypto.createHash("sha256").update(data).digest("hex"));
    // A plain tar (Mender's outer archive) with gzip: false.
    const plain = await readTar(stream(await tarBytes([{ name: "version", content: "{}" }])), () => {}, { gzip: false });
    expect(plain.entries.map((e) => e.name)).toEqual(["version"]);
  });

  describe("signed for Mattermost", () => {
    for (const algorithm of ["rsa-4096", "ecdsa-p256"] as const) {
      it(`${algorithm}: check then sign the streamed bundle; gpgv and Go's CheckDetachedSignature accept it, reject a tampered bundle and a foreign key`, async () => {
        const signer = softwareSigner(generateKeyPair(algorithm).privateKey, algorithm);
        const key = await openpgpPublicKey({ spki: signer.publicKeySpki, createdAt: CREATED, userId: "Signet Mattermost store <mattermost@signet.test>", signer, now: NOW });
        const other = softwareSigner(generateKeyPair(algorithm).privateKey, algorithm);
        const otherKey = await openpgpPublicKey({ spki: other.publicKeySpki, createdAt: CREATED, userId: "Other <o@example.test>", signer: other, now: NOW });
        const root = path.join(dir, `sign-${algorithm}`);
        fs.mkdirSync(path.join(root, "com.example.signed/server"), { recursive: true });
        fs.writeFileSync(path.join(root, "com.example.signed/plugin.json"), manifest("com.example.signed", "2.0.0"));
        fs.writeFileSync(path.join(root, "com.example.signed/server/plugin"), crypto.randomBytes(300_000));
        const bundle = path.join(dir, `com.example.signed-2.0.0-${algorithm}.tar.gz`);
        execFileSync("tar", ["-czf", bundle, "-C", root, "com.example.signed"]);

        const checked = await checkMattermostBundle(fs.createReadStream(bundle), { expectedPluginId: "com.example.signed" });
        expect(checked.version).toBe("2.0.0");
        const sig = await detachedSignature({ data: fs.createReadStream(bundle), signer, key: { spki: signer.publicKeySpki, createdAt: CREATED }, createdAt: NOW, hash: "sha512" });
        fs.writeFileSync(`${bundle}.sig`, sig);
        fs.writeFileSync(`${bundle}.asc`, armorSignature(sig));
        fs.writeFileSync(path.join(dir, `${algorithm}.asc`), key.armored);
        fs.writeFileSync(path.join(dir, `${algorithm}-other.asc`), otherKey.armored);
        const tampered = `${bundle}.tampered`;
        const bytes = fs.readFileSync(bundle);
        bytes[100] ^= 0x20;
        fs.writeFileSync(tampered, bytes);

        if (hasGpgv) {
          expect(gpgv(dir, key.binary, [`${bundle}.sig`, bundle]).status).toBe(0);
          expect(gpgv(dir, key.binary, [`${bundle}.sig`, tampered]).status).not.toBe(0);
          expect(gpgv(dir, otherKey.binary, [`${bundle}.sig`, bundle]).status).not.toBe(0);
        }
        if (hasGo) {
          const go = buildGoVerifier("mattermost-verify");
          const ok = run(go, [path.join(dir, `${algorithm}.asc`), `${bundle}.sig`, bundle]);
          expect(ok.output.trim()).toBe(`OK ${key.keyId}`);
          expect(run(go, [path.join(dir, `${algorithm}.asc`), `${bundle}.asc`, bundle]).status).toBe(0);
          expect(run(go, [path.join(dir, `${algorithm}.asc`), `${bundle}.sig`, tampered]).status).toBe(1);
          expect(run(go, [path.join(dir, `${algorithm}-other.asc`), `${bundle}.sig`, bundle]).status).toBe(1);
        }
        // The marketplace listing carries the binary signature as base64.
        expect(Buffer.from(Buffer.from(sig).toString("base64"), "base64").equals(Buffer.from(sig))).toBe(true);
      });
    }
  });
});
