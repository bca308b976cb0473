// Fixtures for the archive tests, all made by code: ZIPs by yazl (hostile names patched in after,
// since yazl refuses to write them) or byte by byte (rawZipTo: names and flags no library writes),
// and a three-level hierarchy by Signet's own issuance code.
import crypto, { type KeyObject } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import zlib from "node:zlib";
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

export type RawZipEntry = {
  /** The name's bytes as written (a string is written as UTF-8). */
  name: Buffer | string;
  content?: Buffer | string;
  /** General purpose bit 11 (the name is UTF-8); default true. */
  utf8?: boolean;
  /** The local header's bit 11, when it should disagree with the central directory's. */
  localUtf8?: boolean;
  /** Extra field bytes, written in both headers. */
  extra?: Buffer;
  /** The local header's name, when it should disagree with the central directory's. */
  localName?: Buffer | string;
};

/**
 * A ZIP written byte by byte (stored entries, APPNOTE 4.3.7 / 4.3.12 / 4.3.16), for names that
 * no ZIP library writes: unflagged non-ASCII bytes, invalid UTF-8, disagreeing headers.
 */
export function rawZipTo(file: string, entries: RawZipEntry[]): string {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.isBuffer(e.name) ? e.name : Buffer.from(e.name, "utf8");
    const localName = e.localName === undefined ? name : Buffer.isBuffer(e.localName) ? e.localName : Buffer.from(e.localName, "utf8");
    const content = Buffer.from(e.content ?? "");
    const extra = e.extra ?? Buffer.alloc(0);
    const crc = zlib.crc32(content) >>> 0;
    const flags = (utf8: boolean) => (utf8 ? 0x800 : 0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags(e.localUtf8 ?? e.utf8 ?? true), 6);
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(0x1821, 10); // 03:01:02
    local.writeUInt16LE(0x5a22, 12); // 2025-01-02
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(content.length, 18);
    local.writeUInt32LE(content.length, 22);
    local.writeUInt16LE(localName.length, 26);
    local.writeUInt16LE(extra.length, 28);
    const isDir = name.at(-1) === 0x2f;
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made on Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags(e.utf8 ?? true), 8);
    local.copy(central, 10, 8, 30); // method, time, date, crc, sizes, name and extra lengths
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 32);
    central.writeUInt32LE(((isDir ? 0o040755 : 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, localName, extra, content);
    centrals.push(central, name, extra);
    offset += 30 + localName.length + extra.length + content.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  fs.writeFileSync(file, Buffer.concat([...locals, directory, end]));
  return file;
}

/** Info-ZIP Unicode Path extra field (APPNOTE 4.6.9) naming `unicodeName` for the header name `headerName`. */
export function unicodePathField(headerName: Buffer | string, unicodeName: string): Buffer {
  const header = Buffer.isBuffer(headerName) ? headerName : Buffer.from(headerName);
  const data = Buffer.concat([Buffer.from([1]), Buffer.alloc(4), Buffer.from(unicodeName, "utf8")]);
  data.writeUInt32LE(zlib.crc32(header) >>> 0, 1);
  const field = Buffer.alloc(4);
  field.writeUInt16LE(0x7075, 0);
  field.writeUInt16LE(data.length, 2);
  return Buffer.concat([field, data]);
}

/** Each entry's name bytes in the central directory and in its local header, in order. */
export function rawEntryNames(file: string): { central: Buffer; local: Buffer; utf8: boolean }[] {
  const buf = fs.readFileSync(file);
  const endAt = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(endAt + 10);
  let at = buf.readUInt32LE(endAt + 16);
  const names: { central: Buffer; local: Buffer; utf8: boolean }[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = buf.readUInt16LE(at + 28);
    const central = buf.subarray(at + 46, at + 46 + nameLength);
    const localAt = buf.readUInt32LE(at + 42);
    const local = buf.subarray(localAt + 30, localAt + 30 + buf.readUInt16LE(localAt + 26));
    names.push({ central, local, utf8: (buf.readUInt16LE(at + 8) & 0x800) !== 0 });
    at += 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return names;
}
