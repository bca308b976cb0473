// Fixed-window rate limits for the endpoints anyone can call without an account (registration,
// archive verification); sign-in is limited by better-auth itself (lib/server/auth/auth.ts). Counters live in this instance's memory: behind a load balancer each instance enforces
// its own share, which bounds abuse without a shared store on the hot path.
import { AppError } from "../errors";

export type RateRule = { name: string; perClient: number; global: number; windowMs: number };

export const RATE_RULES = {
  registration: { name: "registration", perClient: 20, global: 200, windowMs: 3_600_000 },
  verify: { name: "verify", perClient: 60, global: 1_200, windowMs: 60_000 },
  // Each request may mail someone: bound what a stranger can make Signet send.
  passwordReset: { name: "password reset", perClient: 10, global: 200, windowMs: 3_600_000 },
} satisfies Record<string, RateRule>;

type Window = { start: number; count: number };
const windows = new Map<string, Window>();
const MAX_TRACKED = 50_000;

/**
 * The client address as the nearest proxy saw it: the LAST X-Forwarded-For hop (Next.js sets the
 * header from the socket only when absent, and a proxy appends the peer it saw). A client talking
 * to Signet directly can forge the header, so every rule also has a global cap that no forged
 * address escapes.
 */
export function clientAddress(headers: Headers): string {
  const hops = (headers.get("x-forwarded-for") ?? "").split(",").map((h) => h.trim()).filter(Boolean);
  return hops.at(-1)?.slice(0, 64) ?? "unknown";
}

function hit(key: string, limit: number, windowMs: number, now: number): number | undefined {
  let w = windows.get(key);
  if (!w || now - w.start >= windowMs) {
    if (!w && windows.size >= MAX_TRACKED) sweep(now);
    w = { start: now, count: 0 };
    windows.set(key, w);
  }
  w.count += 1;
  return w.count > limit ? Math.ceil((w.start + windowMs - now) / 1000) : undefined;
}

function sweep(now: number): void {
  for (const [key, w] of windows) if (now - w.start >= 3_600_000) windows.delete(key);
  // Still full: forget the oldest windows rather than grow without bound.
  for (const key of windows.keys()) {
    if (windows.size < MAX_TRACKED) break;
    windows.delete(key);
  }
}

/** Counts one request against `rule`; throws 429 (with Retry-After) once a limit is passed. */
export function enforceRateLimit(rule: RateRule, headers: Headers, now = Date.now()): void {
  // Per client first: one noisy client that is already refused must not use up everyone's budget.
  const retryAfter =
    hit(`${rule.name}:${clientAddress(headers)}`, rule.perClient, rule.windowMs, now) ?? hit(`${rule.name}:*`, rule.global, rule.windowMs, now);
  if (retryAfter !== undefined) {
    throw new AppError("rate_limited", `Too many ${rule.name} requests; try again in ${retryAfter} s`, { retryAfter });
  }
}

/** For tests: start every window afresh. */
export function resetRateLimits(): void {
  windows.clear();
}
