// Opens a .difypkg strictly: the generic ZIP safety of SafeArchive (size caps, bombs, path escapes,
// duplicates, links), plus what the Dify daemon needs to read the package the way Signet hashed it.
// The daemon walks archive/zip's File list and skips what Go's FileInfo().IsDir() calls a directory —
// a trailing '/', a Unix S_IFDIR mode (hosts Unix and macOS) or the MS-DOS directory attribute
// (hosts FAT, NTFS, VFAT) — and then opens each file by name through io/fs, where a file that is
// also another entry's parent directory is ambiguous; and it locates the central directory from the
// end record's size and offset, which yauzl does not use. Signet refuses all of these rather than
// sign or pass a package the daemon would read differently (FORMATS.md §7: no directory entries).
import fs from "node:fs";
import { DEFAULT_LIMITS, ArchiveError, type ArchiveLimits } from "../jpl/archive-error";
import { SafeArchive } from "../jpl/read-archive";
import { readDifyManifest, type DifyManifest } from "./manifest";

export const VERIFICATION_ENTRY = ".verification.dify.json";

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const MSDOS_DIRECTORY = 0x10;
const HOST_FAT = 0;
const HOST_UNIX = 3;
const HOST_NTFS = 11;
const HOST_VFAT = 14;
const HOST_MACOS = 19;

export async function openDifyPackage(path: string, limits: ArchiveLimits = DEFAULT_LIMITS): Promise<{ archive: SafeArchive; manifest: DifyManifest }> {
  const archive = await SafeArchive.open(path, limits);
  try {
    const files = new Set<string>();
    for (const entry of archive.entries) {
      const { versionMadeBy, externalFileAttributes } = entry.raw;
      const host = versionMadeBy >> 8;
      const unixDir = (host === HOST_UNIX || host === HOST_MACOS) && ((externalFileAttributes >>> 16) & S_IFMT) === S_IFDIR;
      const dosDir = (host === HOST_FAT || host === HOST_NTFS || host === HOST_VFAT) && (externalFileAttributes & MSDOS_DIRECTORY) !== 0;
      if (entry.isDirectory || unixDir || dosDir) {
        throw new ArchiveError("directory_entry", `'${entry.name}' is a directory entry: the Dify daemon cannot read packages that have them (zip without directory entries, e.g. zip -D)`, entry.name);
      }
      files.add(entry.name);
    }
    for (const name of files) {
      for (let i = name.indexOf("/"); i > 0; i = name.indexOf("/", i + 1)) {
        if (files.has(name.slice(0, i))) throw new ArchiveError("duplicate_entry", `'${name.slice(0, i)}' is both a file and the directory of '${name}'`, name);
      }
    }
    await checkDirectoryEnd(path, archive);
    const manifest = await readDifyManifest(archive);
    return { archive, manifest };
  } catch (err) {
    archive.close();
    throw err;
  }
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;

/**
 * Go's archive/zip takes `end-of-central-directory position − directory size − directory offset` as
 * a base offset it adds to every offset (for self-extracting stubs); yauzl uses the offsets as they
 * are. Unless that base is 0 and the records fill the directory exactly, the daemon reads another
 * archive than Signet (or none: "zip: not a valid zip file"), so such a package is refused.
 */
async function checkDirectoryEnd(path: string, archive: SafeArchive): Promise<void> {
  const file = await fs.promises.open(path, "r");
  try {
    const { size } = await file.stat();
    const read = async (position: number, length: number) => {
      const buf = Buffer.alloc(length);
      const { bytesRead } = position >= 0 ? await file.read(buf, 0, length, position) : { bytesRead: 0 };
      if (bytesRead !== length) throw new ArchiveError("not_a_zip", "The archive's end records are truncated");
      return buf;
    };
    let endOffset = size - 22 - archive.comment.length;
    const end = await read(endOffset, 22);
    if (end.readUInt32LE(0) !== EOCD) throw new ArchiveError("not_a_zip", "The end of central directory record is not where its comment length puts it");
    let directorySize = end.readUInt32LE(12);
    let directoryOffset = end.readUInt32LE(16);
    if (end.readUInt16LE(10) === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
      const locator = await read(endOffset - 20, 20);
      if (locator.readUInt32LE(0) === ZIP64_LOCATOR) {
        endOffset = Number(locator.readBigUInt64LE(8));
        const record = await read(endOffset, 56);
        if (record.readUInt32LE(0) !== ZIP64_EOCD) throw new ArchiveError("not_a_zip", "The ZIP64 end of central directory record is missing");
        directorySize = Number(record.readBigUInt64LE(40));
        directoryOffset = Number(record.readBigUInt64LE(48));
      }
    }
    const recorded = archive.entries.reduce((sum, e) => sum + 46 + e.raw.fileNameLength + e.raw.extraFieldLength + e.raw.fileCommentLength, 0);
    if (directoryOffset + directorySize !== endOffset || recorded !== directorySize) {
      throw new ArchiveError("not_a_zip", "The central directory's recorded offset and size do not meet its end record: Go's archive/zip (the Dify daemon) would read this archive differently");
    }
  } finally {
    await file.close();
  }
}
