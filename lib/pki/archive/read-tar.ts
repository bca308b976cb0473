// Reading an untrusted .tar.gz (Mattermost bundles; generic enough for Mender's tar) without trusting
// it. tar-stream (mafintosh/tar-stream, streaming, no filesystem access, handles ustar/pax/GNU long
// names) parses the headers; around it: the gzip output is counted while inflating and stops at the cap
// whatever the archive claims, a block walker of our own checks the archive's outline the way Go's
// archive/tar (what Mattermost extracts with) reads it, and every entry must be a regular file or a
// directory with a name that is safe to extract anywhere. One entry streams at a time.
import { Readable, Transform, type TransformCallback } from "node:stream";
import zlib from "node:zlib";
import tar from "tar-stream";
import { ArchiveError } from "../jpl/archive-error";
import { addEntryName, checkEntryName } from "../jpl/entry-name";
import { EntryNameSet } from "./entry-name-policy";

export type TarLimits = {
  maxEntries: number;
  /** Bytes of the uncompressed tar stream (headers, padding and content), counted while inflating. */
  maxTarBytes: number;
  /** Bytes read from the source before decompression. */
  maxCompressedBytes: number;
  maxNameBytes: number;
};

export const DEFAULT_TAR_LIMITS: TarLimits = {
  maxEntries: 20_000,
  maxTarBytes: 1024 * 1024 * 1024,
  maxCompressedBytes: 512 * 1024 * 1024,
  maxNameBytes: 1024,
};

export type TarEntry = {
  /** Relative POSIX path as the archive states it, minus a leading "./"; directories end with "/". */
  name: string;
  type: "file" | "directory";
  size: number;
  /** Permission bits (setuid, setgid and sticky are refused). */
  mode: number;
  mtime: Date;
};

/**
 * Called for each entry in archive order. `content` must be consumed or left alone (it is drained
 * afterwards); it errors with an ArchiveError if the archive breaks mid-entry.
 */
export type TarVisitor = (entry: TarEntry, content: Readable) => Promise<void> | void;

export type ReadTarOptions = {
  limits?: TarLimits;
  /** false for a plain .tar (Mender's outer archive); default true. */
  gzip?: boolean;
  /** Sees every compressed byte as read (hash the upload in the same pass). */
  onSourceChunk?: (chunk: Buffer) => void;
};

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Counts source bytes and refuses past the cap. */
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

const BLOCK = 512;

/**
 * Caps the inflated bytes and walks the tar outline block by block: a header, its data blocks, the next
 * header. One zero block must be followed by a second (Go's archive/tar reports ErrHeader otherwise), and
 * after that end-of-archive marker only zeros may follow — tar-stream would read entries hidden there,
 * Go would not, and the two must see the same archive.
 */
class TarOutlineGuard extends Transform {
  private produced = 0;
  private failed = false;
  private pending = Buffer.alloc(0);
  private skipBlocks = 0;
  private zeroBlocks = 0;
  constructor(private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    // One error only: zlib may still hand over chunks it inflated before the pipeline tore down.
    if (this.failed) return done();
    this.produced += chunk.length;
    try {
      if (this.produced > this.max) throw new ArchiveError("too_large", `The archive inflates to more than ${this.max} bytes (compression bomb?)`);
      this.walk(chunk);
    } catch (err) {
      this.failed = true;
      return done(err as Error);
    }
    done(null, chunk);
  }
  private walk(chunk: Buffer): void {
    let data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let pos = 0;
    while (data.length - pos >= BLOCK || (this.skipBlocks > 0 && data.length > pos)) {
      if (this.skipBlocks > 0) {
        const blocks = Math.min(this.skipBlocks, Math.floor((data.length - pos) / BLOCK));
        if (blocks === 0) break;
        this.skipBlocks -= blocks;
        pos += blocks * BLOCK;
        continue;
      }
      const block = data.subarray(pos, pos + BLOCK);
      pos += BLOCK;
      const zero = block.every((b) => b === 0);
      if (this.zeroBlocks >= 2) {
        if (!zero) throw new ArchiveError("not_a_tar", "Data follows the tar end-of-archive marker");
        continue;
      }
      if (zero) {
        this.zeroBlocks++;
        continue;
      }
      if (this.zeroBlocks === 1) throw new ArchiveError("not_a_tar", "A single zero block inside the tar archive (an incomplete end-of-archive marker)");
      if (!checksumOk(block)) throw new ArchiveError("not_a_tar", "A tar header fails its checksum (not a tar archive, or a corrupt one)");
      // Size field: 12 octets at offset 124, octal; the base-256 form (high bit set) only encodes sizes far above our caps.
      if (block[124] & 0x80) throw new ArchiveError("too_large", "A tar entry declares a size in base-256 form (over 8 GiB)");
      const field = block.subarray(124, 136).toString("latin1").replace(/[\0 ]+$/, "").trim();
      if (field !== "" && !/^[0-7]+$/.test(field)) throw new ArchiveError("not_a_tar", "A tar header has a malformed size field");
      const size = field === "" ? 0 : parseInt(field, 8);
      // Type '5' (directory), '1'/'2' (links), '3'/'4'/'6' (devices, FIFO) carry no data blocks.
      const type = String.fromCharCode(block[156]);
      this.skipBlocks = "123456".includes(type) ? 0 : Math.ceil(size / BLOCK);
    }
    data = data.subarray(pos);
    this.pending = Buffer.from(data);
  }
  override _flush(done: TransformCallback): void {
    if (this.skipBlocks > 0) return done(new ArchiveError("not_a_tar", "The tar archive is truncated inside an entry"));
    if (this.zeroBlocks >= 2 && this.pending.some((b) => b !== 0)) return done(new ArchiveError("not_a_tar", "Data follows the tar end-of-archive marker"));
    done();
  }
}

/** POSIX ustar: the sum of the header's octets with the checksum field (148–155) read as spaces. */
function checksumOk(block: Buffer): boolean {
  const field = block.subarray(148, 156).toString("latin1").replace(/[\0 ]+$/, "").trim();
  if (!/^[0-7]{1,7}$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum === parseInt(field, 8);
}

/** Strips a leading "./" (tar czf x.tgz . writes one); "" for the "./" root entry itself. */
function normalizeName(raw: string): string {
  let name = raw;
  while (name.startsWith("./")) name = name.slice(2);
  return name === "." ? "" : name;
}

const S_ISUID_ISGID_ISVTX = 0o7000;

function checkHeader(header: tar.Header, name: string, limits: TarLimits): TarEntry["type"] {
  switch (header.type) {
    case "file":
    case "directory":
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
  // The pax 'size' record overrides the header's; our outline walker trusts the header, so both must agree.
  const paxSize = (header.pax as Record<string, string> | undefined)?.size;
  if (paxSize !== undefined && String(header.size) !== paxSize) throw new ArchiveError("size_mismatch", `Entry '${name}' has two different sizes (ustar and pax)`, name);
  if (header.type === "directory" && (header.size ?? 0) !== 0) throw new ArchiveError("special_file", `Directory entry '${name}' has content`, name);
  if (((header.mode ?? 0) & S_ISUID_ISGID_ISVTX) !== 0) throw new ArchiveError("special_file", `Entry '${name}' is setuid, setgid or sticky`, name);
  checkEntryName(name, limits.maxNameBytes);
  if (header.type === "file" && name.endsWith("/")) throw new ArchiveError("bad_file_name", `Regular file '${name}' has a directory's trailing '/'`, name);
  return header.type;
}

/**
 * Reads every entry of a (gzip-compressed) tar stream, calling `visit` for each. Resolves with the
 * entries once the whole archive has been read and checked; rejects with an ArchiveError on the first
 * violation (the source is then destroyed).
 */
export async function readTar(source: AsyncIterable<Uint8Array> | Readable, visit: TarVisitor, options: ReadTarOptions = {}): Promise<TarEntry[]> {
  const limits = options.limits ?? DEFAULT_TAR_LIMITS;
  const gzip = options.gzip ?? true;
  const extract = tar.extract();
  const input = source instanceof Readable ? source : Readable.from(source, { objectMode: false });
  const stages: NodeJS.ReadWriteStream[] = [new SourceGuard(limits.maxCompressedBytes, gzip, options.onSourceChunk)];
  if (gzip) stages.push(zlib.createGunzip());
  stages.push(new TarOutlineGuard(limits.maxTarBytes));
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
  try {
    for await (const entry of extract) {
      const name = normalizeName(entry.header.name);
      if (name === "" && entry.header.type === "directory") {
        entry.resume();
        continue;
      }
      if (entries.length >= limits.maxEntries) throw new ArchiveError("too_many_entries", `The archive has more than ${limits.maxEntries} entries`);
      const type = checkHeader(entry.header, name, limits);
      const key = name.endsWith("/") ? name.slice(0, -1) : name;
      addEntryName(names, type === "directory" ? `${key}/` : key);
      const record: TarEntry = {
        name: type === "directory" ? `${key}/` : key,
        type,
        size: entry.header.size ?? 0,
        mode: (entry.header.mode ?? 0) & 0o777,
        mtime: entry.header.mtime ?? new Date(0),
      };
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
  // The extractor has ended; a stage failing at the very end (zlib's trailer check) still counts.
  if (firstError !== undefined) throw firstError instanceof ArchiveError ? firstError : new ArchiveError("not_a_tar", `Not a readable tar archive: ${describe(firstError)}`);
  return entries;
}

/** Reads one entry's content whole, refusing more than `maxBytes`. */
export async function readAll(content: Readable, maxBytes: number, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of content) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) throw new ArchiveError("too_large", `Entry '${name}' is larger than ${maxBytes} bytes`, name);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
