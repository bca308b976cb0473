// What a name or a string taken out of any uploaded archive may be (ZIP, tar, whatever the store
// format): Signet signs entries by name, stores names and manifest fields in PostgreSQL, and shows
// them to people. So a name must mean one thing to every extractor and every reader:
// - no NUL (PostgreSQL text cannot hold U+0000), no C0/C1 controls, no lone surrogates (not
//   encodable as UTF-8: a writer would substitute U+FFFD and rename the entry);
// - no bidirectional controls or other invisible format characters (Unicode TR#36 §2.4: U+202E
//   shows "gpj.exe" as "exe.jpg"), no line or paragraph separators, no noncharacters;
// - NFC only, and distinct after NFC and case folding: macOS file systems normalize names and
//   Windows and macOS ignore case, so "a.txt"/"A.txt" or NFC/NFD twins extract onto one file;
// - relative, '/'-separated, no '..', '.', empty segments, backslashes or drive letters.
// Pure: callers wrap a violation in their own error type (ArchiveError for the Jami reader).

export type NameViolationCode = "bad_file_name" | "absolute_path" | "parent_path" | "backslash_path" | "drive_letter" | "duplicate_entry";
export type NameViolation = { code: NameViolationCode; message: string };

// Unicode TR#9 explicit directional formatting characters: embeddings, overrides, isolates, marks.
const BIDI_CONTROLS = new Set([0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);
const FORMAT = /^\p{Cf}$/u;
const SEPARATOR = /^[\p{Zl}\p{Zp}]$/u;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

const hex = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;

/** Describes the first character a stored or displayed string must not hold, or undefined. */
export function badCharacter(value: string): string | undefined {
  if (PRINTABLE_ASCII.test(value)) return undefined;
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0) return `a NUL character (${hex(cp)})`;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return `a control character (${hex(cp)})`;
    if (cp >= 0xd800 && cp <= 0xdfff) return `a lone surrogate (${hex(cp)}), which is not valid Unicode text`;
    if (BIDI_CONTROLS.has(cp)) return `a bidirectional control character (${hex(cp)}), which reorders how the name is displayed`;
    if (FORMAT.test(ch)) return `an invisible format character (${hex(cp)})`;
    if (SEPARATOR.test(ch)) return `a line or paragraph separator (${hex(cp)})`;
    if ((cp & 0xfffe) === 0xfffe || (cp >= 0xfdd0 && cp <= 0xfdef)) return `a noncharacter (${hex(cp)})`;
  }
  return undefined;
}

/** The string with everything outside printable, non-format text escaped: safe in a message or log. */
export function printable(value: string, max = 120): string {
  let out = "";
  for (const ch of value) {
    out += badCharacter(ch) !== undefined ? `\\u{${ch.codePointAt(0)!.toString(16)}}` : ch;
    if (out.length >= max) return `${out.slice(0, max)}…`;
  }
  return out;
}

/**
 * A text field read out of an archive (manifest id, name, version…): non-empty if required,
 * at most `maxChars` characters, no character badCharacter refuses. Returns the problem, or undefined.
 */
export function textFieldViolation(value: string, maxChars: number): string | undefined {
  if (value.length > maxChars) return `is longer than ${maxChars} characters`;
  const bad = badCharacter(value);
  if (bad) return `contains ${bad}`;
  if (value !== value.normalize("NFC")) return "is not in Unicode normalization form C (NFC)";
  return undefined;
}

/** Checks one entry name as the archive states it (directories with their trailing '/'). */
export function entryNameViolation(name: string, maxBytes: number): NameViolation | undefined {
  const shown = printable(name);
  if (name.length === 0) return { code: "bad_file_name", message: "An entry has an empty name" };
  if (Buffer.byteLength(name, "utf8") > maxBytes) return { code: "bad_file_name", message: `Entry name '${printable(name, 80)}' is longer than ${maxBytes} bytes` };
  const bad = badCharacter(name);
  if (bad) return { code: "bad_file_name", message: `Entry name '${shown}' contains ${bad}` };
  const nfc = name.normalize("NFC");
  if (nfc !== name) {
    // Both spellings look alike; the combining marks, escaped, show what differs.
    const marks = shown.replace(/\p{M}/gu, (m) => `\\u{${m.codePointAt(0)!.toString(16)}}`);
    return { code: "bad_file_name", message: `Entry name '${marks}' is not in Unicode normalization form C (NFC would be '${printable(nfc)}'): rename it, or re-create the archive on a system that writes NFC names` };
  }
  if (name.includes("\\")) return { code: "backslash_path", message: `Entry '${shown}' uses a backslash: Windows extractors treat it as a directory separator` };
  if (name.startsWith("/")) return { code: "absolute_path", message: `Entry '${shown}' has an absolute path` };
  if (/^[A-Za-z]:/.test(name)) return { code: "drive_letter", message: `Entry '${shown}' starts with a drive letter` };
  const segments = name.endsWith("/") ? name.slice(0, -1).split("/") : name.split("/");
  if (segments.some((s) => s === "..")) return { code: "parent_path", message: `Entry '${shown}' climbs out of the archive with '..'` };
  if (segments.some((s) => s === "" || s === ".")) return { code: "bad_file_name", message: `Entry '${shown}' has an empty or '.' path segment` };
  return undefined;
}

/**
 * Case folding for collisions: upper then lower case maps 'ß' and 'SS', 'ς' and 'Σ', 'K' and the
 * Kelvin sign together, as case-insensitive file systems do (and a little more, which only refuses).
 */
export function collisionKey(path: string): string {
  return path.normalize("NFC").toUpperCase().toLowerCase().normalize("NFC");
}

/**
 * The names of one archive, added in order: refuses a name that another one already takes after
 * NFC and case folding — two files, two directories, or a file where a directory is (explicit,
 * or implied by a deeper entry).
 */
export class EntryNameSet {
  private readonly files = new Map<string, string>();
  private readonly dirs = new Map<string, { name: string; explicit: boolean }>();

  add(name: string): NameViolation | undefined {
    const isDirectory = name.endsWith("/");
    const path = isDirectory ? name.slice(0, -1) : name;
    const segments = path.split("/");
    for (let i = 1; i < segments.length; i++) {
      const violation = this.addDirectory(segments.slice(0, i).join("/"), false, name);
      if (violation) return violation;
    }
    if (isDirectory) return this.addDirectory(path, true, name);
    const key = collisionKey(path);
    const other = this.files.get(key) ?? this.dirs.get(key)?.name;
    if (other !== undefined) return collision(name, other);
    this.files.set(key, name);
    return undefined;
  }

  private addDirectory(path: string, explicit: boolean, name: string): NameViolation | undefined {
    const key = collisionKey(path);
    const file = this.files.get(key);
    if (file !== undefined) return collision(name, file);
    const seen = this.dirs.get(key);
    if (!seen) {
      this.dirs.set(key, { name: `${path}/`, explicit });
      return undefined;
    }
    // The same directory named twice as an entry, or spelt two ways ("Data/" beside "data/").
    if ((explicit && seen.explicit) || seen.name !== `${path}/`) return collision(name, seen.name);
    if (explicit) seen.explicit = true;
    return undefined;
  }
}

function collision(name: string, other: string): NameViolation {
  const same = name === other || name.replace(/\/$/, "") === other.replace(/\/$/, "");
  return {
    code: "duplicate_entry",
    message: same
      ? `The archive holds '${printable(name)}' more than once`
      : `Entries '${printable(name)}' and '${printable(other)}' differ only by letter case or Unicode normalization: Windows and macOS would extract them onto one path`,
  };
}
