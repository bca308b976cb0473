// The shapes of the names Signet accepts from organizations.
import { z } from "zod";
import { nameScriptProblem } from "./name-key";

// Names go into certificate subjects (O=…). Control and bidirectional formatting characters are
// refused, not stripped: a right-to-left override makes a subject read differently from its bytes.
// Runs of spaces (any Unicode space) become one and the ends are trimmed, so the stored name is the
// name people see. Uniqueness is decided on nameKey (./name-key.ts), not on these bytes.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;

export const orgNameSchema = z
  .string()
  .max(256)
  .superRefine((raw, ctx) => {
    const bad = INVISIBLE.exec(raw);
    if (bad) ctx.addIssue({ code: "custom", message: `The name contains a control, formatting or bidirectional character (U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")})` });
  })
  .transform((raw) => raw.normalize("NFC").replace(/\p{Zs}+/gu, " ").trim())
  .pipe(
    z
      .string()
      .min(2)
      .max(64)
      .regex(/^[\p{L}\p{N}][\p{L}\p{N} .,&'()_-]*$/u, "Use letters, digits, spaces and . , & ' ( ) _ -")
      .superRefine((name, ctx) => {
        const problem = nameScriptProblem(name);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
  );

export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2)
  .max(40)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "Use lowercase letters, digits and dashes");

// Reverse-DNS prefix ending in a dot, e.g. "com.acme." (Jami plugin ids are reverse-DNS names).
export const pluginIdPrefixSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(100)
  .regex(/^[a-z][a-z0-9-]*(?:\.[a-z0-9][a-z0-9-]*)+\.$|^[a-z][a-z0-9-]*\.$/, "A reverse-DNS prefix ending in a dot, e.g. com.acme.");

export const pluginIdSchema = z
  .string()
  .trim()
  .max(128)
  .regex(/^[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+$/, "A reverse-DNS plugin id, e.g. com.acme.greenscreen");

/** Two prefixes overlap when one is a prefix of the other: their orgs could name the same plugin. */
export function prefixesOverlap(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

export function pluginIdInPrefix(pluginId: string, prefix: string): boolean {
  return pluginId.toLowerCase().startsWith(prefix) && pluginId.length > prefix.length;
}
