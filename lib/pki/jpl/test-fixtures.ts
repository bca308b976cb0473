// Fixtures for the archive tests, all made by code: ZIPs by yazl (hostile names patched in after,
// since yazl refuses to write them), and a three-level hierarchy by Signet's own issuance code.
import crypto, { type KeyObject } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import yazl from "yazl";
import { issueOrgCa, issuePluginCertificate, issueRootCa, certificateInfo, toPem } from "../certificate/issue";
import { generateKeyPair, softwareSigner, spkiOf, type KeyAlgorithm } from "../signer";
import { SafeArchive } from "./read-archive";

export type FixtureEntry = { name: string; content?: Buffer | string; dir?: boolean; mode?: number; compress?: boolean; stream?: () => Readable; mtime?: Date };

export function tempDir(prefix = "signet-jpl-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const FIXED_MTIME = new Date("2025-01-02T03:04:06Z");

export function zipTo(file: string, entries: FixtureEntry[]): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    const mtime = e.mtime ?? FIXED_MTIME;
    if (e.dir) zip.addEmptyDirectory(e.name, { mtime, ...(e.mode ? { mode: e.mode } : {}) });
    else if (e.stream) zip.addReadStreamLazy(e.name, { mtime, compress: e.compress ?? true, ...(e.mode ? { mode: e.mode } : {}) }, (cb) => cb(null, e.stream!()));
    else zip.addBuffer(Buffer.from(e.content ?? ""), e.name, { mtime, compress: e.compress ?? true, ...(e.mode ? { mode: e.mode } : {}) });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const out = fs.createWriteStream(file);
    zip.outputStream.pipe(out).on("close", () => resolve(file)).on("error", reject);
  });
}

export function manifest(id: string, version = "1.0.0"): FixtureEntry {
  return { name: "manifest.json", content: JSON.stringify({ id, name: id.split(".").pop(), version, description: "test plugin" }) };
}

/** A small but realistic plugin: manifest, data files, directory entries, a library. */
export function pluginEntries(id: string, version = "1.0.0"): FixtureEntry[] {
  return [
    manifest(id, version),
    { name: "data/", dir: true },
    { name: "data/icon.svg", content: "<svg xmlns='http://www.w3.org/2000/svg'/>" },
    { name: "data/preferences.json", content: JSON.stringify([{ key: "color", type: "List" }]) },
    { name: "lib/", dir: true },
    { name: "lib/x86_64-linux-gnu/", dir: true },
    { name: "lib/x86_64-linux-gnu/libplugin.so", content: crypto.randomBytes(50_000), compress: false, mode: 0o100755 },
  ];
}

/** Sets every Info-ZIP "UT" extended timestamp in the file (yazl writes one per header) to `unixSeconds`, which may be negative. */
export function patchUnixTimestamps(file: string, unixSeconds: number): void {
  const buf = fs.readFileSync(file);
  const tag = Buffer.from([0x55, 0x54, 0x05, 0x00]);
  let count = 0;
  for (let i = buf.indexOf(tag); i >= 0; i = buf.indexOf(tag, i + 1)) {
    buf.writeInt32LE(unixSeconds, i + 5);
    count++;
  }
  if (count === 0) throw new Error("no UT extra field found");
  fs.writeFileSync(file, buf);
}

/** Replaces a name everywhere it occurs (local header and central directory); same length only. */
export function patchBytes(file: string, from: string, to: string): void {
  if (Buffer.byteLength(from) !== Buffer.byteLength(to)) throw new Error("patch must keep the length");
  const buf = fs.readFileSync(file);
  const a = Buffer.from(from);
  let count = 0;
  for (let i = buf.indexOf(a); i >= 0; i = buf.indexOf(a, i + 1)) {
    Buffer.from(to).copy(buf, i);
    count++;
  }
  if (count === 0) throw new Error(`'${from}' not found`);
  fs.writeFileSync(file, buf);
}

/** Sets a field of the central directory header of `name` (offsets per APPNOTE 4.3.12). */
export function patchCentral(file: string, name: string, field: "uncompressedSize" | "externalAttributes" | "versionMadeBy" | "compressionMethod", value: number): void {
  const buf = fs.readFileSync(file);
  const nameBytes = Buffer.from(name);
  for (let i = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); i >= 0; i = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), i + 4)) {
    const nameLength = buf.readUInt16LE(i + 28);
    if (nameLength === nameBytes.length && buf.subarray(i + 46, i + 46 + nameLength).equals(nameBytes)) {
      if (field === "uncompressedSize") buf.writeUInt32LE(value, i + 24);
      if (field === "externalAttributes") buf.writeUInt32LE(value >>> 0, i + 38);
      if (field === "versionMadeBy") buf.writeUInt16LE(value, i + 4);
      if (field === "compressionMethod") buf.writeUInt16LE(value, i + 10);
      fs.writeFileSync(file, buf);
      return;
    }
  }
  throw new Error(`central directory entry '${name}' not found`);
}

export type TestHierarchy = {
  rootDer: Uint8Array;
  orgCaDer: Uint8Array;
  pluginDer: Uint8Array;
  pluginKey: KeyObject;
  rootPem: string;
  chainDer: Uint8Array[];
};

export async function makeHierarchy(opts: { pluginId?: string; pluginKey?: KeyAlgorithm; orgName?: string; now?: Date } = {}): Promise<TestHierarchy> {
  const now = opts.now ?? new Date();
  const day = 86_400_000;
  const rootKeys = generateKeyPair("ecdsa-p256");
  const rootSigner = softwareSigner(rootKeys.privateKey);
  const serial = () => {
    const s = crypto.randomBytes(16);
    s[0] = (s[0] & 0x7f) | 1;
    return new Uint8Array(s);
  };
  const rootDer = await issueRootCa({ signer: rootSigner, commonName: "Test Store Root", serial: serial(), notBefore: new Date(now.getTime() - day), notAfter: new Date(now.getTime() + 3650 * day) });
  const urls = { crlUrl: "http://127.0.0.1:9/crl/x.crl", ocspUrl: "http://127.0.0.1:9/ocsp", caIssuersUrl: "http://127.0.0.1:9/ca/x.crt" };
  const orgKeys = generateKeyPair("ecdsa-p256");
  const orgName = opts.orgName ?? "Acme Plugins";
  const orgCaDer = await issueOrgCa({ issuer: certificateInfo(rootDer), issuerSigner: rootSigner, orgName, subjectPublicKeySpki: spkiOf(orgKeys.publicKey), serial: serial(), notBefore: new Date(now.getTime() - day), notAfter: new Date(now.getTime() + 365 * day), urls });
  const pluginKeys = generateKeyPair(opts.pluginKey ?? "rsa-2048");
  const pluginDer = await issuePluginCertificate({
    issuer: certificateInfo(orgCaDer),
    issuerSigner: softwareSigner(orgKeys.privateKey),
    orgName,
    pluginId: opts.pluginId ?? "com.acme.demo",
    subjectPublicKeySpki: spkiOf(pluginKeys.publicKey),
    serial: serial(),
    notBefore: new Date(now.getTime() - day),
    notAfter: new Date(now.getTime() + 365 * day),
    urls,
  });
  return { rootDer, orgCaDer, pluginDer, pluginKey: pluginKeys.privateKey, rootPem: toPem(rootDer, "CERTIFICATE"), chainDer: [pluginDer, orgCaDer] };
}

/** Copies an archive entry by entry into `out`, changing what `change` says (tamper tests). */
export async function rewriteArchive(src: string, out: string, change: { replace?: Record<string, Buffer | string>; add?: FixtureEntry[]; drop?: string[] }): Promise<string> {
  const archive = await SafeArchive.open(src);
  const entries: FixtureEntry[] = [];
  for (const e of archive.entries) {
    if (change.drop?.includes(e.name)) continue;
    if (e.isDirectory) entries.push({ name: e.name, dir: true });
    else entries.push({ name: e.name, content: change.replace?.[e.name] ?? (await archive.readEntry(e, 64 * 1024 * 1024)) });
  }
  archive.close();
  return zipTo(out, [...entries, ...(change.add ?? [])]);
}
