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

/** A field path no label names, in words: "admin.email" → "Admin email", "expiresInDays" → "Expires in days". */
export function pathInWords(path: string): string {
  const words = path.replace(/\.(\d+)(?=\.|$)/g, " $1").replace(/[._-]+/g, " ").replace(/([a-z0-9])([A-Z])/g, "$1 $2").trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The form-level message: each field by its label (or its path in words, never the raw JSON path); without field errors, what the server said. */
export function errorSummary(err: unknown, labels: Record<string, string>, fallback: string): string {
  const fields = fieldErrorsOf(err);
  const paths = Object.keys(fields);
  if (paths.length) return paths.map((p) => `${labels[p] ?? pathInWords(p)}: ${fields[p]}`).join(" · ");
  return err instanceof Error ? err.message : fallback;
}

/** What a form needs from a failed mutation: the summary, and each field's message and ARIA props under the control's id. */
export function formErrors(err: unknown, labels: Record<string, string>, fallback: string) {
  const fields = err ? fieldErrorsOf(err) : {};
  return {
    summary: err ? errorSummary(err, labels, fallback) : undefined,
    message: (path: string) => fields[path],
    control: (path: string, id: string) => invalidProps(id, fields[path]),
  };
}

/** Props that tie an input to its message (WCAG 3.3.1: the error is identified and described in text). */
export function invalidProps(id: string, message: string | undefined) {
  return message ? { "aria-invalid": true as const, "aria-describedby": `${id}-error` } : {};
}

/** Props that tie a control to a form-level message shown elsewhere (an Alert with `id`), when that message is about this control. */
export function describedBy(alertId: string, message: string | undefined) {
  return message ? { "aria-invalid": true as const, "aria-describedby": alertId } : {};
}
