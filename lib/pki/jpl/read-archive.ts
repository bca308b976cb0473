// Reading an untrusted ZIP without trusting it: every name, type and size is checked before any
// content is read, and each entry is inflated through a counter that stops a bomb at the cap,
// whatever its headers claim. Memory stays bounded: one entry streams at a time.
import { Transform, type Readable, type TransformCallback } from "node:stream";
import zlib from "node:zlib";
import yauzl from "yauzl";
import { ArchiveError, DEFAULT_LIMITS, type ArchiveLimits } from "./archive-error";
import { checkEntryName, checkEntryType, unixMode } from "./entry-name";

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
    const guard = new EntryGuard(entry, this.limits);
    if (entry.uncompressedSize === 0 && entry.compressedSize === 0) {
      guard.end();
      return guard;
    }
    let source: Readable;
    try {
      // The local header must name the same file the central directory does: extractors that read
      // local headers (streaming unzip, some libarchive modes) would otherwise see another archive.
      const local = await this.zip.readLocalFileHeaderPromise(entry.raw);
      if (!local.fileName.equals(entry.raw.fileNameRaw) || local.compressionMethod !== entry.compressionMethod) {
        throw new ArchiveError("bad_file_name", `Entry '${entry.name}': the local header disagrees with the central directory`, entry.name);
      }
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

  close(): void {
    this.zip.close();
  }
}

async function readCentralDirectory(zip: yauzl.ZipFile, limits: ArchiveLimits): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  const names = new Set<string>();
  let declaredTotal = 0;
  for await (const raw of zip.eachEntry()) {
    if (entries.length >= limits.maxEntries) throw new ArchiveError("too_many_entries", `The archive has more than ${limits.maxEntries} entries`);
    let name: string;
    try {
      name = yauzl.getFileNameLowLevel(raw.generalPurposeBitFlag, raw.fileNameRaw, raw.extraFields, true);
    } catch (err) {
      throw new ArchiveError("bad_file_name", `An entry name cannot be decoded: ${describe(err)}`);
    }
    checkEntryName(name, limits.maxNameBytes);
    const mode = unixMode(raw.versionMadeBy, raw.externalFileAttributes);
    checkEntryType(name, mode, raw.externalFileAttributes);
    const key = name.endsWith("/") ? name.slice(0, -1) : name;
    if (names.has(key)) throw new ArchiveError("duplicate_entry", `The archive holds '${name}' more than once`, name);
    names.add(key);
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
