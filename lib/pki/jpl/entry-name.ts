// Entry names that are safe to extract anywhere: relative, forward slashes only, no `..`, no
// Windows drive letters or reserved characters. Checked on the name exactly as the archive states it.
import { ArchiveError } from "./archive-error";

/** The three entries a signature run writes itself (FORMATS.md §1). */
export const SIGNATURES_ENTRY = "signatures";
export const SIGNATURES_SIG_ENTRY = "signatures.sig";
export const certificateEntryName = (pluginId: string) => `${pluginId}.crt`;

export function checkEntryName(name: string, maxBytes: number): void {
  if (name.length === 0) throw new ArchiveError("bad_file_name", "An entry has an empty name");
  if (Buffer.byteLength(name, "utf8") > maxBytes) throw new ArchiveError("bad_file_name", `An entry name is longer than ${maxBytes} bytes`, name.slice(0, 80));
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new ArchiveError("bad_file_name", "An entry name contains control characters", name);
  if (name.includes("\\")) throw new ArchiveError("backslash_path", `Entry '${name}' uses a backslash: Windows extractors treat it as a directory separator`, name);
  if (name.startsWith("/")) throw new ArchiveError("absolute_path", `Entry '${name}' has an absolute path`, name);
  if (/^[A-Za-z]:/.test(name)) throw new ArchiveError("drive_letter", `Entry '${name}' starts with a drive letter`, name);
  const segments = name.endsWith("/") ? name.slice(0, -1).split("/") : name.split("/");
  if (segments.some((s) => s === "..")) throw new ArchiveError("parent_path", `Entry '${name}' climbs out of the archive with '..'`, name);
  if (segments.some((s) => s === "" || s === ".")) throw new ArchiveError("bad_file_name", `Entry '${name}' has an empty or '.' path segment`, name);
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
