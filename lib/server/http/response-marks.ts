// Next.js gives a page no way to choose its HTTP status (only 404/403/401 through its own errors).
// The production server (scripts/server.mjs) runs each request it hands to Next inside an
// AsyncLocalStorage store and watches its status line: a request marked here as having met a
// database outage is answered 503 with Retry-After instead of 200 (an outage page) or 500. Under
// plain `next start` or `next dev` there is no store and marking does nothing.
type ResponseMarks = { databaseUnavailable?: boolean; retryAfter?: number };
type MarkStore = { getStore(): ResponseMarks | undefined };

export function markDatabaseUnavailable(retryAfterSeconds: number): void {
  const marks = (globalThis as { __signetResponseMarks?: MarkStore }).__signetResponseMarks?.getStore();
  if (!marks) return;
  marks.databaseUnavailable = true;
  marks.retryAfter = retryAfterSeconds;
}
