// When two names are "the same name". An organization's name is the O= of its CA's name
// constraints, and relying parties compare names loosely: RFC 5280 §7.1 compares with LDAP
// StringPrep (NFKC + case folding + insignificant space handling) and OpenSSL's name constraints
// compare a canonical form (case-folded, spaces collapsed). So "Org B", "org  b", "ORG B" and the
// fullwidth "Ｏｒｇ Ｂ" must be one name to Signet too, or an organization registered under one
// spelling holds constraints that admit another organization's plugin subjects.

// Cyrillic and Greek letters drawn like Latin ones (Unicode confusables.txt, the common subset):
// "Асме" in Cyrillic is not to pass for "Acme". Mixed-script names are refused outright
// (see nameScriptProblem); this folds whole-script look-alikes.
const LOOKALIKES: Record<string, string> = {
  А: "A", В: "B", Е: "E", К: "K", М: "M", Н: "H", О: "O", Р: "P", С: "C", Т: "T", Х: "X", У: "Y", Ѕ: "S", І: "I", Ј: "J", Ԛ: "Q", Ԝ: "W",
  а: "a", е: "e", о: "o", р: "p", с: "c", у: "y", х: "x", ѕ: "s", і: "i", ј: "j", ԛ: "q", ԝ: "w", һ: "h", ӏ: "l", ԁ: "d",
  Α: "A", Β: "B", Ε: "E", Ζ: "Z", Η: "H", Ι: "I", Κ: "K", Μ: "M", Ν: "N", Ο: "O", Ρ: "P", Τ: "T", Υ: "Y", Χ: "X",
  ο: "o", ν: "v", ι: "i", ρ: "p", κ: "k", υ: "u",
};
const LOOKALIKE_RE = new RegExp(`[${Object.keys(LOOKALIKES).join("")}]`, "gu");

/**
 * The comparison key of a name: NFKC, case folded (upper- then lower-casing folds ß/ss, ﬁ/fi,
 * final sigma), default-ignorable code points dropped, look-alike letters folded, and white space
 * trimmed and collapsed. Equal keys = one name.
 */
export function nameKey(name: string): string {
  return name
    .normalize("NFKC")
    .replace(/\p{Default_Ignorable_Code_Point}/gu, "")
    .replace(LOOKALIKE_RE, (c) => LOOKALIKES[c])
    .toUpperCase()
    .toLowerCase()
    .normalize("NFKC")
    .replace(/\s+/gu, " ")
    .trim();
}

// Scripts whose letters can be mistaken for one another's: a name may use one of them. Han, kana,
// Hangul and Bopomofo mix with each other and with Latin, as Japanese, Korean and Chinese names do
// (UTS #39 "highly restrictive").
const ALPHABETS = ["Latin", "Greek", "Cyrillic", "Armenian", "Georgian", "Hebrew", "Arabic", "Devanagari", "Thai", "Cherokee"] as const;
const ALPHABET_RE = ALPHABETS.map((s) => [s, new RegExp(`\\p{Script=${s}}`, "u")] as const);
const EAST_ASIAN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]/u;

/** Why a name's letters are refused for mixing scripts, or undefined when they do not. */
export function nameScriptProblem(name: string): string | undefined {
  const used = new Set<string>();
  let eastAsian = false;
  for (const ch of name.normalize("NFKC")) {
    if (!/\p{L}/u.test(ch)) continue;
    const script = ALPHABET_RE.find(([, re]) => re.test(ch))?.[0];
    if (script) used.add(script);
    else if (EAST_ASIAN.test(ch)) eastAsian = true;
    else used.add("other");
  }
  if (eastAsian) used.delete("Latin");
  if (used.size > 1) return `Use the letters of one script: this name mixes ${[...used].join(" and ")} letters, which can be drawn alike`;
  return undefined;
}
