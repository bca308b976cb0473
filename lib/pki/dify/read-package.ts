// Opens a .difypkg strictly: the generic ZIP safety of SafeArchive (size caps, bombs, path escapes,
// duplicates, links), plus what the Dify daemon needs to read the package the way Signet hashed it.
// The daemon walks archive/zip's File list and skips what Go's FileInfo().IsDir() calls a directory —
// a trailing '/', a Unix S_IFDIR mode (hosts Unix and macOS) or the MS-DOS directory attribute
// (hosts FAT, NTFS, VFAT) — and then opens each file by name through io/fs, where a file that is
// also another entry's parent directory is ambiguous. Signet refuses all of these rather than sign
// a package the daemon would hash differently (FORMATS.md §7: no directory entries).
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
    const manifest = await readDifyManifest(archive);
    return { archive, manifest };
  } catch (err) {
    archive.close();
    throw err;
  }
}
