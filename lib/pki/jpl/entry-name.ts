// Entry names of a .jpl: the archive-wide name policy (lib/pki/archive/entry-name-policy.ts) as
// ArchiveErrors, plus the names a signature run writes itself.
import { entryNameViolation, EntryNameSet, printable } from "../archive/entry-name-policy";
import { ArchiveError } from "./archive-error";

/** The three entries a signature run writes itself (FORMATS.md §1). */
export const SIGNATURES_ENTRY = "signatures";
export const SIGNATURES_SIG_ENTRY = "signatures.sig";
export const certificateEntryName = (pluginId: string) => `${pluginId}.crt`;

export function checkEntryName(name: string, maxBytes: number): void {
  const violation = entryNameViolation(name, maxBytes);
  if (violation) throw new ArchiveError(violation.code, violation.message, printable(name));
}

/** Refuses a name that collides with an earlier one after NFC and case folding. */
export function addEntryName(names: EntryNameSet, name: string): void {
  const violation = names.add(name);
  if (violation) throw new ArchiveError(violation.code, violation.message, printable(name));
}

/** Unix file type bits of an entry, when the archive was made on Unix (APPNOTE 4.4.2: host 3). */
export function unixMode(versionMadeBy: number, externalFileAttributes: number): number | undefined {
  if (versionMadeBy >> 8 !== 3) return undefined;
  const mode = (externalFileAttributes >>> 16) & 0xffff;
  return mode === 0 ? undefined : mode;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

export function checkEntryType(name: string, mode: number | undefined, externalFileAttributes: number): void {
  if (mode !== undefined) {
    const type = mode & S_IFMT;
    if (type === S_IFLNK) throw new ArchiveError("symlink", `Entry '${name}' is a symbolic link`, name);
    if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) throw new ArchiveError("special_file", `Entry '${name}' is a device, socket or pipe`, name);
    if (type === S_IFDIR && !name.endsWith("/")) throw new ArchiveError("special_file", `Entry '${name}' is a directory without a trailing '/'`, name);
  }
  // MS-DOS attribute 0x400 is FILE_ATTRIBUTE_REPARSE_POINT: a Windows symlink or junction.
  if (externalFileAttributes & 0x400) throw new ArchiveError("symlink", `Entry '${name}' is a reparse point (Windows link)`, name);
}
