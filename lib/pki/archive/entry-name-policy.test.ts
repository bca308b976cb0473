// The archive-wide name policy on strings no ZIP can carry (lone surrogates come from JSON or a
// lenient decoder), and the escaping that keeps refused names harmless in messages.
import { describe, expect, it } from "vitest";
import { badCharacter, entryNameViolation, EntryNameSet, printable, textFieldViolation } from "./entry-name-policy";

describe("entry name policy", () => {
  it("refuses lone surrogates, which no UTF-8 writer can reproduce", () => {
    expect(badCharacter("a\ud800b")).toMatch(/lone surrogate \(U\+D800\)/);
    expect(badCharacter("a\udfffb")).toMatch(/lone surrogate \(U\+DFFF\)/);
    expect(entryNameViolation("data/\udc00.txt", 1024)?.message).toMatch(/lone surrogate/);
    expect(badCharacter("🎉 ok")).toBeUndefined();
  });

  it("escapes what it refuses when it shows a name", () => {
    expect(printable("gpj\u202Eexe.txt")).toBe("gpj\\u{202e}exe.txt");
    expect(printable("a\u0000b")).toBe("a\\u{0}b");
    expect(printable("café")).toBe("café");
  });

  it("checks text fields for length, characters and normalization", () => {
    expect(textFieldViolation("1.2.3", 64)).toBeUndefined();
    expect(textFieldViolation("1.2.3\u0000", 64)).toMatch(/NUL/);
    expect(textFieldViolation("x".repeat(65), 64)).toMatch(/longer than 64/);
    expect(textFieldViolation("e\u0301", 64)).toMatch(/NFC/);
  });

  it("lets a tar reader use the same collision rules: explicit directory twice, directory then file", () => {
    const names = new EntryNameSet();
    expect(names.add("data/")).toBeUndefined();
    expect(names.add("data/a.txt")).toBeUndefined();
    expect(names.add("DATA/")?.code).toBe("duplicate_entry");
    const again = new EntryNameSet();
    expect(again.add("data/a.txt")).toBeUndefined();
    // An explicit entry for a directory a deeper name already implied is fine (tar writes it either way).
    expect(again.add("data/")).toBeUndefined();
    expect(again.add("data/")?.message).toMatch(/more than once/);
    expect(again.add("data/A.TXT")?.message).toMatch(/differ only by letter case/);
  });
  it("shows a non-NFC name with its combining marks escaped, beside the NFC spelling", () => {
    expect(entryNameViolation("data/cafe\u0301.txt", 1024)?.message).toContain("'data/cafe\\u{301}.txt' is not in Unicode normalization form C (NFC would be 'data/café.txt')");
  });
});
