// The shapes of the names Signet accepts from organizations.
import { z } from "zod";

// Names go into certificate subjects (O=…): printable, no control characters, no leading/trailing space.
export const orgNameSchema = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} .,&'()_-]*$/u, "Use letters, digits, spaces and . , & ' ( ) _ -");

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
