// Text that no part of Signet can store or sign, refused once at the edge (the /api/v1 route
// wrapper and the /api/auth gate) with a 400 that names the field, instead of failing deep inside
// as a 500:
// - U+0000: PostgreSQL text cannot hold it.
// - a lone UTF-16 surrogate (JSON allows "\ud800"): it has no UTF-8 encoding, so the database
//   driver and the DER encoder would each silently write U+FFFD, and what is stored or signed
//   would differ from what was sent.
import { AppError } from "../errors";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function flaw(text: string): string | undefined {
  if (text.includes("\0")) return "a NUL character (U+0000)";
  const m = LONE_SURROGATE.exec(text);
  if (m) return `a lone UTF-16 surrogate (U+${m[0].charCodeAt(0).toString(16).toUpperCase()})`;
  return undefined;
}

function fieldPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/**
 * Walks a parsed JSON value (or a record of URL values) and throws a 400 naming the first field
 * whose name or value holds a NUL or a lone surrogate. `where` says which part of the request it is.
 */
export function assertStorableText(value: unknown, where: string): void {
  const stack: { value: unknown; path: string }[] = [{ value, path: "" }];
  while (stack.length) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === "string") {
      const problem = flaw(v);
      if (problem) throw refused(where, path, problem);
    } else if (Array.isArray(v)) {
      v.forEach((inner, i) => stack.push({ value: inner, path: fieldPath(path, i) }));
    } else if (v && typeof v === "object") {
      for (const [k, inner] of Object.entries(v)) {
        const problem = flaw(k);
        // A key's own flaw is reported with the key escaped: printing it raw would echo the flaw.
        if (problem) throw refused(where, fieldPath(path, JSON.stringify(k).slice(1, -1)), `${problem} in the field's name`);
        stack.push({ value: inner, path: fieldPath(path, k) });
      }
    }
  }
}

function refused(where: string, path: string, problem: string): AppError {
  const field = path || "(the whole value)";
  return new AppError("bad_request", path ? `${where}: field '${path}' contains ${problem}` : `${where} contains ${problem}`, { field });
}
