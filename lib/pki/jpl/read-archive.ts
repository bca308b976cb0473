// Reading an untrusted ZIP without trusting it: every name, type and size is checked before any
// content is read, and each entry is inflated through a counter that stops a bomb at the cap,
// whatever its headers claim. Memory stays bounded: one entry streams at a time.
import { Transform, type Readable, type TransformCallback } from "node:stream";
import zlib from "node:zlib";
import yauzl from "yauzl";
import { ArchiveError, DEFAULT_LIMITS, type ArchiveLimits } from "./archive-error";
import { EntryNameSet, printable } from "../archive/entry-name-policy";
import { addEntryName, checkEntryName, checkEntryType, unixMode } from "./entry-name";

export type ArchiveEntry = {
  name: string;
  isDirectory: boolean;
  compressedSize: number;
  uncompressedSize: number;
  /** 0 stored, 8 deflated (the only two we read). */
  compressionMethod: number;
  crc32: number;
  mtime: Date;
  /** Unix permission bits when the archive recorded them. */
  permissions: number | undefined;
  raw: yauzl.Entry;
};

const LOCAL_HEADER_MIN = 30;

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Counts inflated bytes and CRC-32, failing as soon as the entry exceeds what it may produce. */
class EntryGuard extends Transform {
  private produced = 0;
  private crc = 0;
  constructor(
    private readonly entry: ArchiveEntry,
    private readonly limits: ArchiveLimits,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.produced += chunk.length;
    const { entry, limits } = this;
    if (this.produced >= limits.ratioExemptBelow && this.produced > Math.max(entry.compressedSize, 1) * limits.maxCompressionRatio) {
      return done(new ArchiveError("compression_ratio", `Entry '${entry.name}' inflates more than ${limits.maxCompressionRatio}:1 (zip bomb?)`, entry.name));
    }
    if (this.produced > entry.uncompressedSize) {
      return done(new ArchiveError("size_mismatch", `Entry '${entry.name}' inflates to more than the ${entry.uncompressedSize} bytes its header declares`, entry.name));
    }
    this.crc = zlib.crc32(chunk, this.crc);
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    if (this.produced !== this.entry.uncompressedSize) {
      return done(new ArchiveError("size_mismatch", `Entry '${this.entry.name}' holds ${this.produced} bytes, its header declares ${this.entry.uncompressedSize}`, this.entry.name));
    }
    if (this.crc >>> 0 !== this.entry.crc32 >>> 0) return done(new ArchiveError("crc_mismatch", `Entry '${this.entry.name}' fails its CRC-32 check`, this.entry.name));
    done();
  }
}

export class SafeArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    readonly entries: ArchiveEntry[],
    readonly limits: ArchiveLimits,
  ) {}

  /** The archive comment (end of central directory record), raw bytes: Dify carries its signature there. */
  get comment(): Buffer {
    // With decodeStrings false yauzl hands the comment over undecoded, as a Buffer.
    return this.zip.comment as unknown as Buffer;
  }

  static async open(path: string, limits: ArchiveLimits = DEFAULT_LIMITS): Promise<SafeArchive> {
    let zip: yauzl.ZipFile;
    try {
      zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: false });
    } catch (err) {
      throw new ArchiveError("not_a_zip", `Not a readable ZIP archive: ${describe(err)}`);
    }
    try {
      if (zip.entryCount > limits.maxEntries) throw new ArchiveError("too_many_entries", `The archive has ${zip.entryCount} entries; at most ${limits.maxEntries} are accepted`);
      const entries = await readCentralDirectory(zip, limits);
      for (const entry of entries) checkLocalHeader(entry, await zip.readLocalFileHeaderPromise(entry.raw));
      return new SafeArchive(zip, entries, limits);
    } catch (err) {
      zip.close();
      if (err instanceof ArchiveError) throw err;
      throw new ArchiveError("not_a_zip", `Not a readable ZIP archive: ${describe(err)}`);
    }
  }

  find(name: string): ArchiveEntry | undefined {
    return this.entries.find((e) => e.name === name);
  }

  /** The entry's uncompressed content as a stream that errors (ArchiveError) on any violation. */
  async openEntry(entry: ArchiveEntry): Promise<Readable> {
    this.assertOpen(entry);
    const guard = new EntryGuard(entry, this.limits);
    if (entry.uncompressedSize === 0 && entry.compressedSize === 0) {
      guard.end();
      return guard;
    }
    let source: Readable;
    try {
      const local = await this.zip.readLocalFileHeaderPromise(entry.raw);
      checkLocalHeader(entry, local);
      // A signer that failed closes the archive while yazl may still ask for the next entry: a stream
      // opened now would take a reference on the closed descriptor and close it a second time (an
      // EBADF thrown outside any callback, which ends the process).
      this.assertOpen(entry);
      // (yauzl 3.4's openReadStreamLowLevelPromise calls the wrong method; use the callback form.)
      source = await new Promise<Readable>((resolve, reject) =>
        this.zip.openReadStreamLowLevel(local.fileDataStart, entry.compressedSize, 0, entry.compressedSize, entry.compressionMethod === 8, null, (err, stream) => (err ? reject(err) : resolve(stream))),
      );
    } catch (err) {
      if (err instanceof ArchiveError) throw err;
      throw new ArchiveError("not_a_zip", `Entry '${entry.name}' cannot be read: ${describe(err)}`, entry.name);
    }
    source.on("error", (err) => guard.destroy(err instanceof ArchiveError ? err : new ArchiveError("not_a_zip", `Entry '${entry.name}' is corrupt: ${describe(err)}`, entry.name)));
    guard.on("error", () => {
      source.unpipe(guard);
      source.destroy();
    });
    source.pipe(guard);
    return guard;
  }

  /** Reads a small entry completely (manifest, signatures), refusing more than `maxBytes`. */
  async readEntry(entry: ArchiveEntry, maxBytes: number): Promise<Buffer> {
    if (entry.uncompressedSize > maxBytes) throw new ArchiveError("too_large", `Entry '${entry.name}' is larger than ${maxBytes} bytes`, entry.name);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.openEntry(entry)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  private closed = false;

  private assertOpen(entry: ArchiveEntry): void {
    if (this.closed) throw new ArchiveError("not_a_zip", `Entry '${entry.name}' was asked for after the archive was closed`, entry.name);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.zip.close();
  }
}

async function readCentralDirectory(zip: yauzl.ZipFile, limits: ArchiveLimits): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  const names = new EntryNameSet();
  let declaredTotal = 0;
  for await (const raw of zip.eachEntry()) {
    if (entries.length >= limits.maxEntries) throw new ArchiveError("too_many_entries", `The archive has more than ${limits.maxEntries} entries`);
    const name = decodeEntryName(raw.generalPurposeBitFlag, raw.fileNameRaw);
    checkEntryName(name, limits.maxNameBytes);
    checkUnicodePathField(name, raw.extraFields);
    const mode = unixMode(raw.versionMadeBy, raw.externalFileAttributes);
    checkEntryType(name, mode, raw.externalFileAttributes);
    addEntryName(names, name);
    if (raw.isEncrypted()) throw new ArchiveError("encrypted_entry", `Entry '${name}' is encrypted`, name);
    if (raw.compressionMethod !== 0 && raw.compressionMethod !== 8) {
      throw new ArchiveError("unsupported_compression", `Entry '${name}' uses compression method ${raw.compressionMethod}; only stored and deflate are accepted`, name);
    }
    const isDirectory = name.endsWith("/");
    if (isDirectory && raw.uncompressedSize !== 0) throw new ArchiveError("special_file", `Directory entry '${name}' has content`, name);
    if (raw.compressionMethod === 0 && raw.compressedSize !== raw.uncompressedSize) throw new ArchiveError("size_mismatch", `Stored entry '${name}' declares two different sizes`, name);
    if (raw.uncompressedSize >= limits.ratioExemptBelow && raw.uncompressedSize > Math.max(raw.compressedSize, 1) * limits.maxCompressionRatio) {
      throw new ArchiveError("compression_ratio", `Entry '${name}' declares a compression ratio above ${limits.maxCompressionRatio}:1 (zip bomb?)`, name);
    }
    declaredTotal += raw.uncompressedSize;
    if (declaredTotal > limits.maxTotalUncompressed) throw new ArchiveError("too_large", `The archive inflates to more than ${limits.maxTotalUncompressed} bytes`);
    entries.push({
      name,
      isDirectory,
      compressedSize: raw.compressedSize,
      uncompressedSize: raw.uncompressedSize,
      compressionMethod: raw.compressionMethod,
      crc32: raw.crc32,
      mtime: writableMtime(raw.getLastModDate()),
      permissions: mode !== undefined ? mode & 0o777 : undefined,
      raw,
    });
  }
  checkNoOverlap(entries);
  return entries;
}

// What yazl can write back: a DOS date (1980 on) and an Info-ZIP "UT" timestamp it clamps to int32
// and then writes unsigned, so a date before 1970 (a negative "UT" field in the upload) made it throw
// outside any callback — one crafted entry date would have crashed the signing process.
const EARLIEST_MTIME = Date.UTC(1980, 0, 1);
const LATEST_MTIME = 0x7fffffff * 1000;

function writableMtime(date: Date): Date {
  const t = date.getTime();
  if (!Number.isFinite(t) || t < EARLIEST_MTIME) return new Date(EARLIEST_MTIME);
  return t > LATEST_MTIME ? new Date(LATEST_MTIME) : date;
}

/** Entries sharing bytes are how "overlapping" zip bombs multiply one compressed block many times. */
function checkNoOverlap(entries: ArchiveEntry[]): void {
  const sorted = [...entries].sort((a, b) => a.raw.relativeOffsetOfLocalHeader - b.raw.relativeOffsetOfLocalHeader);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1];
    const end = previous.raw.relativeOffsetOfLocalHeader + LOCAL_HEADER_MIN + previous.raw.fileNameLength + previous.compressedSize;
    if (end > sorted[i].raw.relativeOffsetOfLocalHeader) {
      throw new ArchiveError("overlapping_entries", `Entries '${previous.name}' and '${sorted[i].name}' share bytes in the archive`, sorted[i].name);
    }
  }
}

const UTF8_NAME_FLAG = 0x800; // APPNOTE 4.4.4 bit 11: name and comment are UTF-8
const UNICODE_PATH_FIELD = 0x7075; // APPNOTE 4.6.9 Info-ZIP Unicode Path Extra Field

/**
 * The entry name exactly as its bytes say. Without the UTF-8 flag, APPNOTE says CP437, but
 * extractors use the local code page or UTF-8 instead: only printable ASCII reads the same in
 * all of them. The name is never re-encoded, so what is signed is what every tool shows.
 */
function decodeEntryName(flags: number, bytes: Buffer): string {
  if (flags & UTF8_NAME_FLAG) {
    try {
      // ignoreBOM: a leading U+FEFF is part of the name (and then refused as a format character).
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      throw new ArchiveError("bad_file_name", `An entry name is flagged UTF-8 but is not valid UTF-8 (bytes ${shownBytes(bytes)})`, shownBytes(bytes));
    }
  }
  const at = bytes.findIndex((b) => b < 0x20 || b > 0x7e);
  if (at >= 0) {
    throw new ArchiveError(
      "bad_file_name",
      `Entry name ${shownBytes(bytes)} is not flagged UTF-8 (ZIP general purpose bit 11) and holds byte 0x${bytes[at].toString(16).padStart(2, "0")}: ` +
        "without the flag only printable ASCII reads the same in every extractor (CP437, local code page or UTF-8). Re-create the archive with a tool that flags UTF-8 names",
      shownBytes(bytes),
    );
  }
  return bytes.toString("latin1");
}

/** Printable ASCII as is, every other byte as \xNN: a name that cannot be decoded, shown safely. */
function shownBytes(bytes: Buffer): string {
  let out = "";
  for (const b of bytes.subarray(0, 120)) out += b >= 0x20 && b <= 0x7e && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`;
  return `'${out}${bytes.length > 120 ? "…" : ""}'`;
}

/**
 * The local header must name the same file the central directory does, in the same encoding and
 * with no second name: extractors that read local headers (streaming unzip, some libarchive modes)
 * would otherwise see another archive. Checked for every entry at open, empty ones and directories too.
 */
function checkLocalHeader(entry: ArchiveEntry, local: { fileName: Buffer; compressionMethod: number; generalPurposeBitFlag: number; extraField: Buffer }): void {
  if (!local.fileName.equals(entry.raw.fileNameRaw) || local.compressionMethod !== entry.compressionMethod || !sameNameEncoding(local.generalPurposeBitFlag, entry.raw)) {
    throw new ArchiveError("bad_file_name", `Entry '${printable(entry.name)}': the local header disagrees with the central directory`, printable(entry.name));
  }
  checkUnicodePathField(entry.name, parseExtraFields(local.extraField));
}

function sameNameEncoding(localFlags: number, raw: yauzl.Entry): boolean {
  // A local header read as CP437 would name a non-ASCII entry differently from the central directory.
  return (localFlags & UTF8_NAME_FLAG) === (raw.generalPurposeBitFlag & UTF8_NAME_FLAG) || raw.fileNameRaw.every((b) => b < 0x80);
}

/**
 * Info-ZIP's Unicode Path field carries a second name that some extractors (yauzl, Info-ZIP
 * unzip) prefer to the header's and others ignore: one entry, two names. Refused unless identical.
 */
function checkUnicodePathField(name: string, extraFields: { id: number; data: Buffer }[]): void {
  for (const field of extraFields) {
    if (field.id !== UNICODE_PATH_FIELD) continue;
    const other = field.data.length >= 5 && field.data[0] === 1 ? new TextDecoder("utf-8", { fatal: false }).decode(field.data.subarray(5)) : undefined;
    if (other !== name) {
      throw new ArchiveError("bad_file_name", `Entry '${printable(name)}' carries a second, different name in an Info-ZIP Unicode Path field${other !== undefined ? ` ('${printable(other)}')` : ""}: extractors disagree on which one to use`, printable(name));
    }
  }
}

function parseExtraFields(bytes: Buffer): { id: number; data: Buffer }[] {
  const fields: { id: number; data: Buffer }[] = [];
  for (let at = 0; at + 4 <= bytes.length; ) {
    const id = bytes.readUInt16LE(at);
    const size = bytes.readUInt16LE(at + 2);
    if (at + 4 + size > bytes.length) throw new ArchiveError("not_a_zip", "A local header's extra field is truncated");
    fields.push({ id, data: bytes.subarray(at + 4, at + 4 + size) });
    at += 4 + size;
  }
  return fields;
}
