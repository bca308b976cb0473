// The OCSP hot path logs nothing per request. Failures are still worth knowing about, so they are
// reported at most once a minute per kind, message only (no request bytes, no key material).
const QUIET_MS = 60_000;
const lastReported = new Map<string, number>();

export function reportOcspFailure(kind: string, err: unknown): void {
  const now = Date.now();
  if (now - (lastReported.get(kind) ?? 0) < QUIET_MS) return;
  lastReported.set(kind, now);
  console.error(`[signet] OCSP ${kind} failed:`, err instanceof Error ? err.message : String(err));
}
