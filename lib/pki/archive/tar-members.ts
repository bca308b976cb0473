// Reading an untrusted tar stream without trusting it, for every tar-based store format (Mender's
// .mender, Mattermost's .tar.gz). tar-stream (mafintosh) does the header decoding — checksums,
// ustar/GNU magic, base-256 sizes, pax and GNU long names — because it is streaming-only (no file
// system side effects), small, and exposes each member's header offset, which is what lets a
// signer copy members verbatim. On top of it this module enforces what the library leaves open:
// regular files (and, if asked, directories) only, safe names, no duplicates, caps on members and
// bytes, no gaps between members (a zero block mid-archive ends the archive for GNU tar and Go's
// archive/tar, so anything after it would be seen by one reader and not the other), an
// end-of-archive of zero blocks with nothing after it, and header numbers as strict as Go's
// (tar-stream reads "0000 12" or "12x" as a number where Go's archive/tar — what mender-artifact
// and the Mender client run — refuses the header).
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import tarStream from "tar-stream";
import { ArchiveError } from "../jpl/archive-error";
import { checkEntryName } from "../jpl/entry-name";

export const TAR_BLOCK = 512;

export type TarLimits = {
  maxMembers: number;
  /** Sum of the members' declared sizes. */
  maxTotalBytes: number;
  /** Bytes of tar stream read (headers, padding and trailer included): bounds a decompressed stream too. */
  maxStreamBytes: number;
  maxNameBytes: number;
};

export const DEFAULT_TAR_LIMITS: TarLimits = {
  maxMembers: 10_000,
  maxTotalBytes: 4 * 1024 * 1024 * 1024,
  maxStreamBytes: 4 * 1024 * 1024 * 1024 + 64 * 1024 * 1024,
  maxNameBytes: 1024,
};

export type TarMember = {
  /** The name as the archive states it (pax/GNU long names applied); directories end with '/'. */
  name: string;
  type: "file" | "directory";
  size: number;
  mode: number;
  mtime: Date;
  /** Offset of the member's first block: its extension headers (pax, GNU long name) if any, else its header. */
  start: number;
  /** Offset of its ustar header block. */
  headerOffset: number;
  /** Offset just past its data and padding: bytes [start, end) are the member, verbatim. */
  end: number;
};

export type ReadTarOptions = {
  limits?: TarLimits;
  allowDirectories?: boolean;
  /** Accept pax and GNU long-name headers (inner payload tars); the outer tar of a signed format needs none. */
  allowExtensionHeaders?: boolean;
};

export type TarContents = {
  members: TarMember[];
  /** Bytes of tar stream read, trailer included. */
  size: number;
};

/**
 * Reads a tar stream member by member. `visit` gets each member with its content as a stream; it may
 * read it (hash it, parse it) or leave it, and the reader drains what it leaves. Throws ArchiveError
 * on anything it refuses, including an error thrown by `visit` that is one.
 */
export async function readTar(source: Readable, visit: (member: TarMember, content: Readable) => Promise<void>, options: ReadTarOptions = {}): Promise<TarContents> {
  const limits = options.limits ?? DEFAULT_TAR_LIMITS;
  const counter = new StreamCounter(limits.maxStreamBytes);
  const extract = tarStream.extract();
  const members: TarMember[] = [];
  const names = new Set<string>();
  let expectedStart = 0;
  let declaredTotal = 0;

  const piping = pipeline(source, counter, extract as unknown as NodeJS.WritableStream);
  piping.catch(() => {});
  try {
    for await (const entry of extract) {
      const header = entry.header;
      const headerOffset = entry.offset;
      if (members.length >= limits.maxMembers) throw new ArchiveError("too_many_entries", `The archive has more than ${limits.maxMembers} members`);
      if (headerOffset !== expectedStart && !options.allowExtensionHeaders) {
        throw new ArchiveError("not_a_tar", `Member '${header.name}' does not follow the previous one directly (an extension header or an early end-of-archive block precedes it)`, header.name);
      }
      checkHeaderNumbers(counter.recent(headerOffset, TAR_BLOCK), header.name);
      const type = memberType(header);
      if (type === "directory" && !options.allowDirectories) throw new ArchiveError("directory_entry", `Member '${header.name}' is a directory`, header.name);
      checkEntryName(header.name, limits.maxNameBytes);
      if (type === "directory" && !header.name.endsWith("/")) throw new ArchiveError("special_file", `Directory '${header.name}' has no trailing '/'`, header.name);
      if (type === "file" && header.name.endsWith("/")) throw new ArchiveError("bad_file_name", `File '${header.name}' has a trailing '/'`, header.name);
      const key = header.name.replace(/\/$/, "");
      if (names.has(key)) throw new ArchiveError("duplicate_entry", `The archive holds '${header.name}' more than once`, header.name);
      names.add(key);
      if (!Number.isSafeInteger(header.size) || header.size < 0) throw new ArchiveError("not_a_tar", `Member '${header.name}' declares an invalid size`, header.name);
      declaredTotal += header.size;
      if (declaredTotal > limits.maxTotalBytes) throw new ArchiveError("too_large", `The archive's members hold more than ${limits.maxTotalBytes} bytes`);
      const end = headerOffset + TAR_BLOCK + Math.ceil(header.size / TAR_BLOCK) * TAR_BLOCK;
      const member: TarMember = { name: header.name, type, size: header.size, mode: header.mode, mtime: header.mtime, start: expectedStart, headerOffset, end };
      members.push(member);
      expectedStart = end;
      await visit(member, entry as unknown as Readable);
      for await (const _ of entry) void _;
    }
    await piping;
  } catch (err) {
    extract.destroy();
    source.destroy();
    throw asArchiveError(err);
  }
  // GNU tar and Go's archive/tar stop at two zero blocks; tar-stream skips zero blocks and reads on.
  // Whatever follows the last member must therefore be zeros only, and at least the two blocks.
  if (counter.bytes - expectedStart < 2 * TAR_BLOCK) throw new ArchiveError("not_a_tar", "The archive has no end-of-archive marker (two zero blocks)");
  if (counter.lastNonZero >= expectedStart) throw new ArchiveError("not_a_tar", "There is data after the archive's last member");
  return { members, size: counter.bytes };
}

function memberType(header: tarStream.Header): "file" | "directory" {
  switch (header.type) {
    case "file":
      return "file";
    case "directory":
      return "directory";
    case "link":
    case "symlink":
      throw new ArchiveError("symlink", `Member '${header.name}' is a link`, header.name);
    default:
      throw new ArchiveError("special_file", `Member '${header.name}' is a ${header.type}, not a regular file`, header.name);
  }
}

function asArchiveError(err: unknown): ArchiveError {
  if (err instanceof ArchiveError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ArchiveError("not_a_tar", `Not a readable tar archive: ${message}`);
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

function checkHeaderNumbers(block: Buffer, name: string): void {
  const fields = [...NUMERIC_FIELDS];
  // GNU headers carry atime and ctime where ustar has its prefix; Go parses them when set.
  if (block.subarray(257, 265).equals(GNU_MAGIC)) fields.push([345, 12], [357, 12]);
  for (const [offset, length] of fields) {
    if (offset >= 345 && block[offset] === 0) continue;
    if (goNumber(block.subarray(offset, offset + length)) === undefined) {
      throw new ArchiveError("not_a_tar", `Member '${name}' has a malformed number in its header (at byte ${offset}): tar readers would disagree on it`, name);
    }
  }
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < TAR_BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i];
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  const stated = goNumber(block.subarray(148, 156));
  if (stated !== unsigned && stated !== signed) throw new ArchiveError("not_a_tar", `Member '${name}' fails its header checksum`, name);
}

// How much of the stream StreamCounter keeps for header checks: far more than the few chunks the
// pipeline holds between it and the extractor, so a header it is asked for is always still there.
const RECENT_BYTES = 1024 * 1024;

/**
 * Counts the bytes of the stream, remembers where the last non-zero byte was, stops at the cap, and
 * keeps the most recent chunks so that a member's raw header block can be checked.
 */
class StreamCounter extends Transform {
  bytes = 0;
  lastNonZero = -1;
  private readonly chunks: { offset: number; data: Buffer }[] = [];
  constructor(private readonly cap: number) {
    super();
  }
  /** `length` bytes from `offset`, which must still be among the recent chunks. */
  recent(offset: number, length: number): Buffer {
    const parts: Buffer[] = [];
    let want = offset;
    for (const { offset: at, data } of this.chunks) {
      if (at + data.length <= want || want >= offset + length) continue;
      const from = want - at;
      if (from < 0) break;
      const part = data.subarray(from, Math.min(data.length, offset + length - at));
      parts.push(part);
      want += part.length;
    }
    if (want !== offset + length) throw new ArchiveError("not_a_tar", `The header at byte ${offset} is no longer buffered for checking`);
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.chunks.push({ offset: this.bytes, data: chunk });
    while (this.chunks.length > 1 && this.chunks[1].offset <= this.bytes + chunk.length - RECENT_BYTES) this.chunks.shift();
    for (let i = chunk.length - 1; i >= 0; i--) {
      if (chunk[i] !== 0) {
        this.lastNonZero = this.bytes + i;
        break;
      }
    }
    this.bytes += chunk.length;
    if (this.bytes > this.cap) return done(new ArchiveError("too_large", `The tar stream is longer than ${this.cap} bytes`));
    done(null, chunk);
  }
}

/** Reads a small member completely, refusing more than `maxBytes`. */
export async function readSmall(member: TarMember, content: Readable, maxBytes: number): Promise<Buffer> {
  if (member.size > maxBytes) throw new ArchiveError("too_large", `Member '${member.name}' is larger than ${maxBytes} bytes`, member.name);
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
