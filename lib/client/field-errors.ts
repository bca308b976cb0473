// problem+json `errors: [{path, message}]` (zod issues, or a conflict naming its field) turned into
// what a form shows: each message under its own field, and a summary in the field's words, not the
// JSON path ("Plugin id prefix: …", never "pluginIdPrefix: …").
import { ApiError } from "./api";

export type FieldErrors = Record<string, string>;

export function fieldErrorsOf(err: unknown): FieldErrors {
  if (!(err instanceof ApiError)) return {};
  const list = (err.body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(list)) return {};
  const out: FieldErrors = {};
  for (const e of list as { path?: unknown; message?: unknown }[]) {
    if (typeof e.path === "string" && typeof e.message === "string" && e.path && !out[e.path]) out[e.path] = e.message;
  }
  return out;
}

/** The form-level message: known fields by their label; anything else as the server said it. */
export function errorSummary(err: unknown, labels: Record<string, string>, fallback: string): string {
  const fields = fieldErrorsOf(err);
  const paths = Object.keys(fields);
  if (paths.length && paths.every((p) => labels[p])) return paths.map((p) => `${labels[p]}: ${fields[p]}`).join(" · ");
  return err instanceof Error ? err.message : fallback;
}

/** Props that tie an input to its message (WCAG 3.3.1: the error is identified and described in text). */
export function invalidProps(id: string, message: string | undefined) {
  return message ? { "aria-invalid": true as const, "aria-describedby": `${id}-error` } : {};
}
