// The one reader of untrusted tar streams, for every tar-based store format (Mattermost's .tar.gz,
// Mender's outer .mender and its payload tars). tar-stream (mafintosh/tar-stream: streaming, no file
// system access, ustar/pax/GNU long names) decodes the headers. Around it:
// - the source (compressed) and the tar stream (inflated) are counted while read and stop at their caps
//   whatever the archive claims;
// - a block walker of our own reads the archive's outline the way Go's archive/tar does (what both
//   Mattermost and mender-artifact run): a header, its data blocks, the next header; one zero block must
//   be followed by a second, the end-of-archive marker must be there, and only zeros may follow it —
//   tar-stream skips zero blocks and reads on, so an entry hidden after the marker would be seen by one
//   reader and not the other;
// - every header's numbers are parsed as strictly as Go's parser (tar-stream reads "0000 12" or "12x"
//   as a number where Go refuses the header), and its checksum must be the unsigned ustar sum;
// - the walker and tar-stream must agree on where every entry's header is, which also yields each
//   entry's byte range (Mender copies members verbatim);
// - entries are regular files or, if asked, directories; extension headers (pax, GNU long names) only
//   if asked; links, devices, FIFOs, setuid/setgid/sticky, pax global headers are refused;
// - every name goes through the archive-wide name policy (lib/pki/archive/entry-name-policy.ts):
//   safe characters, relative, NFC, no collisions after NFC and case folding.
// One entry streams at a time.
import { Readable, Transform, type TransformCallback } from "node:stream";
import zlib from "node:zlib";
import tar from "tar-stream";
import { ArchiveError } from "../jpl/archive-error";
import { addEntryName, checkEntryName } from "../jpl/entry-name";
import { EntryNameSet } from "./entry-name-policy";

export const TAR_BLOCK = 512;

export type TarLimits = {
  maxEntries: number;
  /** Sum of the entries' declared sizes. */
  maxTotalBytes: number;
  /** Bytes of the tar stream (headers, padding and trailer), counted while inflating when gzip. */
  maxTarBytes: number;
  /** Bytes read from the source (before decompression when gzip). */
  maxCompressedBytes: number;
  maxNameBytes: number;
};

export const DEFAULT_TAR_LIMITS: TarLimits = {
  maxEntries: 20_000,
  maxTotalBytes: 4 * 1024 * 1024 * 1024,
  maxTarBytes: 4 * 1024 * 1024 * 1024 + 64 * 1024 * 1024,
  maxCompressedBytes: 4 * 1024 * 1024 * 1024 + 64 * 1024 * 1024,
  maxNameBytes: 1024,
};

export type TarEntry = {
  /** Relative POSIX path as the archive states it (pax/GNU long names applied, a leading "./" removed if asked); directories end with "/". */
  name: string;
  type: "file" | "directory";
  size: number;
  /** Permission bits (setuid, setgid and sticky are refused). */
  mode: number;
  mtime: Date;
  /** Offset in the tar stream of the entry's first block: its extension headers (pax, GNU long name) if any, else its header. */
  start: number;
  /** Offset of its ustar header block. */
  headerOffset: number;
  /** Offset just past its data and padding: bytes [start, end) are the entry, verbatim. */
  end: number;
};

/**
 * Called for each entry in archive order. `content` may be read (hash it, parse it) or left alone (the
 * reader drains it); it errors with an ArchiveError if the archive breaks mid-entry.
 */
export type TarVisitor = (entry: TarEntry, content: Readable) => Promise<void> | void;

export type ReadTarOptions = {
  limits?: TarLimits;
  /** The source is gzip-compressed (a Mattermost .tar.gz); default false. */
  gzip?: boolean;
  /** Sees every source byte as read (hash the upload in the same pass). */
  onSourceChunk?: (chunk: Buffer) => void;
  /** Accept directory entries; default false. */
  allowDirectories?: boolean;
  /** Accept pax and GNU long-name headers (made by `tar` for long names); the outer tar of a signed format needs none. Default false. */
  allowExtensionHeaders?: boolean;
  /** Strip a leading "./" from names and skip the "./" root entry (`tar czf x.tgz .` writes them); default false, so "./x" is refused. */
  stripDotSlash?: boolean;
};

export type TarContents = {
  entries: TarEntry[];
  /** Bytes of tar stream read (inflated when gzip), trailer included. */
  size: number;
};

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Counts source bytes, refuses past the cap, and checks the gzip magic. */
class SourceGuard extends Transform {
  private seen = 0;
  private first = true;
  private failed = false;
  constructor(
    private readonly max: number,
    private readonly gzip: boolean,
    private readonly onChunk?: (chunk: Buffer) => void,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.failed) return done();
    const fail = (err: ArchiveError) => {
      this.failed = true;
      done(err);
    };
    if (this.first && this.gzip && chunk.length > 0) {
      this.first = false;
      if (chunk[0] !== 0x1f || (chunk.length > 1 && chunk[1] !== 0x8b)) return fail(new ArchiveError("not_a_tar", "Not a gzip-compressed tar archive (no gzip header)"));
    }
    this.seen += chunk.length;
    if (this.seen > this.max) return fail(new ArchiveError("too_large", `The archive is larger than ${this.max} bytes`));
    this.onChunk?.(chunk);
    done(null, chunk);
  }
}

// Typeflags of extension headers: pax per-file ('x') and GNU long name / long link ('L', 'K'). A pax
// global header ('g') is refused always: Go's archive/tar hands it to its caller as an entry of its own,
// tar-stream swallows it, so the two would not list the same entries.
const EXTENSION_TYPES = "xLK";
// Typeflags whose size field Go ignores (no data blocks follow): links, devices, directories, FIFOs.
const HEADER_ONLY_TYPES = "123456";

type Outline = { start: number; headerOffset: number; end: number };

/**
 * Caps the tar stream and walks its outline block by block, checking every header block as Go's
 * archive/tar would parse it, and recording where each entry (extension headers included) lies.
 */
class TarOutlineGuard extends Transform {
  produced = 0;
  /** Entries (headers that are not extension headers) seen and not yet claimed by the reader. */
  readonly outlines: Outline[] = [];
  private failed = false;
  private pending = Buffer.alloc(0);
  private pendingAt = 0;
  private skipBlocks = 0;
  private zeroBlocks = 0;
  private entryStart: number | undefined;
  constructor(
    private readonly max: number,
    private readonly allowExtensionHeaders: boolean,
    private readonly inflated: boolean,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    // One error only: zlib may still hand over chunks it inflated before the pipeline tore down.
    if (this.failed) return done();
    this.produced += chunk.length;
    try {
      if (this.produced > this.max) throw new ArchiveError("too_large", this.inflated ? `The archive inflates to more than ${this.max} bytes (compression bomb?)` : `The tar stream is longer than ${this.max} bytes`);
      this.walk(chunk);
    } catch (err) {
      this.failed = true;
      return done(err as Error);
    }
    done(null, chunk);
  }
  private walk(chunk: Buffer): void {
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const base = this.pendingAt;
    let pos = 0;
    while (data.length - pos >= TAR_BLOCK) {
      if (this.skipBlocks > 0) {
        const blocks = Math.min(this.skipBlocks, Math.floor((data.length - pos) / TAR_BLOCK));
        this.skipBlocks -= blocks;
        pos += blocks * TAR_BLOCK;
        continue;
      }
      const offset = base + pos;
      const block = data.subarray(pos, pos + TAR_BLOCK);
      pos += TAR_BLOCK;
      const zero = block.every((b) => b === 0);
      if (this.zeroBlocks >= 2) {
        if (!zero) throw new ArchiveError("not_a_tar", "Data follows the tar end-of-archive marker");
        continue;
      }
      if (zero) {
        if (this.entryStart !== undefined) throw new ArchiveError("not_a_tar", "A tar extension header is followed by a zero block instead of its entry");
        this.zeroBlocks++;
        continue;
      }
      if (this.zeroBlocks === 1) throw new ArchiveError("not_a_tar", "A single zero block inside the tar archive (an incomplete end-of-archive marker)");
      checkHeaderBlock(block, offset);
      // Size field: 12 octets at offset 124; the base-256 form (high bit set) only encodes sizes far above our caps.
      if (block[124] & 0x80) throw new ArchiveError("too_large", "A tar entry declares a size in base-256 form (over 8 GiB)");
      const size = goNumber(block.subarray(124, 136))!;
      const type = String.fromCharCode(block[156]);
      if (type === "g") throw new ArchiveError("not_a_tar", `The tar archive has a pax global header (at byte ${offset}): tar readers disagree on whether it is an entry`);
      if (type === "5" && size !== 0) throw new ArchiveError("special_file", `A directory entry (header at byte ${offset}) declares ${size} bytes of content`);
      this.skipBlocks = HEADER_ONLY_TYPES.includes(type) ? 0 : Math.ceil(size / TAR_BLOCK);
      if (EXTENSION_TYPES.includes(type)) {
        if (!this.allowExtensionHeaders) throw new ArchiveError("not_a_tar", `The tar archive has an extension header (pax or GNU long name, at byte ${offset}); this archive must have plain ustar headers only`);
        this.entryStart ??= offset;
        continue;
      }
      const end = offset + TAR_BLOCK + this.skipBlocks * TAR_BLOCK;
      this.outlines.push({ start: this.entryStart ?? offset, headerOffset: offset, end });
      this.entryStart = undefined;
    }
    this.pending = Buffer.from(data.subarray(pos));
    this.pendingAt = base + pos;
  }
  override _flush(done: TransformCallback): void {
    if (this.failed) return done();
    if (this.skipBlocks > 0 || this.entryStart !== undefined) return done(new ArchiveError("not_a_tar", "The tar archive is truncated inside an entry"));
    if (this.zeroBlocks < 2) return done(new ArchiveError("not_a_tar", "The tar archive has no end-of-archive marker (two zero blocks): it is truncated"));
    if (this.pending.some((b) => b !== 0)) return done(new ArchiveError("not_a_tar", "Data follows the tar end-of-archive marker"));
    done();
  }
}

// Header fields Go's archive/tar parses as numbers (mode, uid, gid, size, mtime, chksum, devmajor,
// devminor), as [offset, length].
const NUMERIC_FIELDS: [number, number][] = [[100, 8], [108, 8], [116, 8], [124, 12], [136, 12], [148, 8], [329, 8], [337, 8]];
const GNU_MAGIC = Buffer.from("ustar  \0", "latin1");

/** Go's parser.parseNumeric: base-256 when the top bit is set, else octal after trimming spaces and NULs, up to a NUL. */
function goNumber(field: Buffer): number | undefined {
  if (field[0] & 0x80) return 0;
  let start = 0;
  let end = field.length;
  while (start < end && (field[start] === 0x20 || field[start] === 0)) start++;
  while (end > start && (field[end - 1] === 0x20 || field[end - 1] === 0)) end--;
  const nul = field.indexOf(0, start);
  const text = field.toString("latin1", start, nul >= 0 && nul < end ? nul : end);
  if (text === "") return 0;
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : undefined;
}

/** Every number as Go parses it, and the POSIX ustar checksum (the octets summed with 148–155 read as spaces). */
function checkHeaderBlock(block: Buffer, offset: number): void {
  const fields = [...NUMERIC_FIELDS];
  // GNU headers carry atime and ctime where ustar has its prefix; Go parses them when set.
  if (block.subarray(257, 265).equals(GNU_MAGIC)) fields.push([345, 12], [357, 12]);
  for (const [at, length] of fields) {
    if (at >= 345 && block[at] === 0) continue;
    if (goNumber(block.subarray(at, at + length)) === undefined) {
      throw new ArchiveError("not_a_tar", `The tar header at byte ${offset} has a malformed number (field at ${at}): tar readers would disagree on it`);
    }
  }
  // Go also accepts the signed sum (old Sun tar); the unsigned one is what every writer since emits.
  const field = block.subarray(148, 156).toString("latin1").replace(/[\0 ]+$/, "").trim();
  let sum = 0;
  for (let i = 0; i < TAR_BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  if (!/^[0-7]{1,7}$/.test(field) || parseInt(field, 8) !== sum || goNumber(block.subarray(148, 156)) !== sum) {
    throw new ArchiveError("not_a_tar", `The tar header at byte ${offset} fails its checksum (not a tar archive, or a corrupt one)`);
  }
}

/** Strips a leading "./"; "" for the "./" root entry itself. */
function stripDotSlash(raw: string): string {
  let name = raw;
  while (name.startsWith("./")) name = name.slice(2);
  return name === "." ? "" : name;
}

const S_ISUID_ISGID_ISVTX = 0o7000;

function checkHeader(header: tar.Header, name: string, options: ReadTarOptions, limits: TarLimits): TarEntry["type"] {
  switch (header.type) {
    case "file":
      break;
    case "directory":
      if (!options.allowDirectories) throw new ArchiveError("directory_entry", `Entry '${name}' is a directory`, name);
      break;
    case "symlink":
      throw new ArchiveError("symlink", `Entry '${name}' is a symbolic link`, name);
    case "link":
      throw new ArchiveError("symlink", `Entry '${name}' is a hard link`, name);
    case "character-device":
    case "block-device":
    case "fifo":
      throw new ArchiveError("special_file", `Entry '${name}' is a device or pipe`, name);
    default:
      throw new ArchiveError("special_file", `Entry '${name}' has the unsupported tar type '${header.type}'`, name);
  }
  // The pax 'size' record overrides the header's; the outline walker trusts the header, so both must agree.
  const paxSize = (header.pax as Record<string, string> | undefined)?.size;
  if (paxSize !== undefined && String(header.size) !== paxSize) throw new ArchiveError("size_mismatch", `Entry '${name}' has two different sizes (ustar and pax)`, name);
  if (!Number.isSafeInteger(header.size) || (header.size ?? 0) < 0) throw new ArchiveError("not_a_tar", `Entry '${name}' declares an invalid size`, name);
  if (header.type === "directory" && (header.size ?? 0) !== 0) throw new ArchiveError("special_file", `Directory entry '${name}' has content`, name);
  if (((header.mode ?? 0) & S_ISUID_ISGID_ISVTX) !== 0) throw new ArchiveError("special_file", `Entry '${name}' is setuid, setgid or sticky`, name);
  checkEntryName(name, limits.maxNameBytes);
  if (header.type === "directory" && !name.endsWith("/")) throw new ArchiveError("special_file", `Directory '${name}' has no trailing '/'`, name);
  if (header.type === "file" && name.endsWith("/")) throw new ArchiveError("bad_file_name", `Regular file '${name}' has a directory's trailing '/'`, name);
  return header.type;
}

/**
 * Reads every entry of a tar stream, calling `visit` for each. Resolves once the whole archive has been
 * read and checked; rejects with an ArchiveError on the first violation, including one `visit` throws
 * (the source is then destroyed).
 */
export async function readTar(source: AsyncIterable<Uint8Array> | Readable, visit: TarVisitor, options: ReadTarOptions = {}): Promise<TarContents> {
  const limits = options.limits ?? DEFAULT_TAR_LIMITS;
  const gzip = options.gzip ?? false;
  const extract = tar.extract();
  const input = source instanceof Readable ? source : Readable.from(source, { objectMode: false });
  const outline = new TarOutlineGuard(limits.maxTarBytes, options.allowExtensionHeaders ?? false, gzip);
  const stages: NodeJS.ReadWriteStream[] = [new SourceGuard(limits.maxCompressedBytes, gzip, options.onSourceChunk)];
  // 128 KiB output chunks: zlib runs on the thread pool, and at the default 16 KiB the round trips per
  // chunk, not inflating, bound a 100 MB bundle's check (bench/: about twice as fast).
  if (gzip) stages.push(zlib.createGunzip({ chunkSize: 128 * 1024 }));
  stages.push(outline);
  // Wired by hand rather than with stream.pipeline: every stage keeps an error listener for its whole
  // life (zlib can report again after teardown), and the first error is the one reported.
  let firstError: unknown;
  const upstream = [input, ...stages];
  const fail = (err: unknown) => {
    firstError ??= err;
    for (const s of upstream) (s as unknown as Readable).destroy();
    extract.destroy(err instanceof Error ? err : new Error(String(err)));
  };
  for (const s of upstream) s.on("error", fail);
  // Errors reach the loop below through iteration; this listener keeps a late one from going uncaught.
  extract.on("error", () => {});
  let tail: NodeJS.ReadableStream = input;
  for (const s of stages) tail = tail.pipe(s);
  tail.pipe(extract as unknown as NodeJS.WritableStream);

  const entries: TarEntry[] = [];
  // A name twice, a file where a directory goes or the reverse, or two spellings of one path
  // (case, Unicode normalization): extractors disagree on which wins. The policy every archive
  // format shares decides.
  const names = new EntryNameSet();
  let declaredTotal = 0;
  try {
    for await (const entry of extract) {
      // The walker has seen this header before tar-stream parsed it; both must place it at the same byte.
      const place = outline.outlines.shift();
      if (!place || place.headerOffset !== entry.offset) throw new ArchiveError("not_a_tar", `tar readers disagree on where entry '${entry.header.name}' starts`, entry.header.name);
      const name = options.stripDotSlash ? stripDotSlash(entry.header.name) : entry.header.name;
      if (options.stripDotSlash && name === "" && entry.header.type === "directory") {
        entry.resume();
        continue;
      }
      if (entries.length >= limits.maxEntries) throw new ArchiveError("too_many_entries", `The archive has more than ${limits.maxEntries} entries`);
      const type = checkHeader(entry.header, name, options, limits);
      addEntryName(names, name);
      const size = entry.header.size ?? 0;
      declaredTotal += size;
      if (declaredTotal > limits.maxTotalBytes) throw new ArchiveError("too_large", `The archive's entries hold more than ${limits.maxTotalBytes} bytes`);
      const record: TarEntry = { name, type, size, mode: (entry.header.mode ?? 0) & 0o777, mtime: entry.header.mtime ?? new Date(0), ...place };
      entries.push(record);
      // The entry must always be read to its end: destroying a tar-stream entry destroys the whole
      // extraction. So its bytes are forwarded with backpressure, and dropped once the visitor lets go.
      let wake: (() => void) | undefined;
      let abandoned = false;
      const content = new Readable({
        read() {
          wake?.();
          wake = undefined;
        },
      });
      // The visitor sees errors through reading; once it has let go, nobody else listens.
      content.on("error", () => {});
      content.on("close", () => {
        abandoned = true;
        wake?.();
      });
      let failed: Error | undefined;
      const forwarding = (async () => {
        try {
          for await (const chunk of entry) {
            if (abandoned) continue;
            if (!content.push(chunk)) await new Promise<void>((resolve) => (wake = resolve));
          }
          if (!abandoned) content.push(null);
        } catch (err) {
          failed = err instanceof ArchiveError ? err : new ArchiveError("not_a_tar", `Entry '${name}' is corrupt: ${describe(err)}`, name);
          if (!abandoned) content.destroy(failed);
        }
      })();
      try {
        await visit(record, content);
      } finally {
        if (!content.destroyed) content.resume();
        abandoned ||= content.destroyed;
        wake?.();
      }
      await forwarding;
      if (failed) throw failed;
    }
  } catch (err) {
    fail(err);
    if (firstError instanceof ArchiveError) throw firstError;
    throw new ArchiveError("not_a_tar", `Not a readable tar archive: ${describe(firstError)}`);
  }
  // The extractor has ended; a stage failing at the very end (zlib's trailer check, the walker's) still counts.
  if (firstError !== undefined) throw firstError instanceof ArchiveError ? firstError : new ArchiveError("not_a_tar", `Not a readable tar archive: ${describe(firstError)}`);
  // An entry the walker saw that tar-stream did not list (it skips what it cannot parse) would be one
  // reader's entry and not the other's.
  if (outline.outlines.length > 0) throw new ArchiveError("not_a_tar", "tar readers disagree on the entries of this archive");
  return { entries, size: outline.produced };
}

/** Reads one entry's content whole, refusing more than `maxBytes` (by its declared size first, then as read). */
export async function readAll(entry: Pick<TarEntry, "name" | "size">, content: Readable, maxBytes: number): Promise<Buffer> {
  if (entry.size > maxBytes) throw new ArchiveError("too_large", `Entry '${entry.name}' is larger than ${maxBytes} bytes`, entry.name);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of content) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) throw new ArchiveError("too_large", `Entry '${entry.name}' is larger than ${maxBytes} bytes`, entry.name);
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}
