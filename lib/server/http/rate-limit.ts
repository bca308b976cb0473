// Fixed-window rate limits for the endpoints anyone can call without an account (registration,
// archive verification, password resets) and, through better-auth's limiter, sign-in
// (lib/server/auth/auth.ts). On a PostgreSQL server the counters live in rate_window, shared by every
// worker and instance behind the load balancer: one upsert per counter, on windows aligned to the
// epoch so that every instance counts into the same row. Should the database fail, this process's
// memory counts instead (a limit still holds, per process). The embedded database has one process:
// memory only.
import { db } from "../../db";
import { env } from "../../env";
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

/** Counts one request against `rule` in this process's memory; throws 429 (with Retry-After) once a limit is passed. */
export function enforceRateLimit(rule: RateRule, headers: Headers, now = Date.now()): void {
  // Per client first: one noisy client that is already refused must not use up everyone's budget.
  const retryAfter =
    hit(`${rule.name}:${clientAddress(headers)}`, rule.perClient, rule.windowMs, now) ?? hit(`${rule.name}:*`, rule.global, rule.windowMs, now);
  if (retryAfter !== undefined) {
    throw new AppError("rate_limited", `Too many ${rule.name} requests; try again in ${retryAfter} s`, { retryAfter });
  }
}

// Bumped by resetRateLimits: in-process tests start afresh without waiting for a window to pass.
const epochState: { epoch: number } = ((globalThis as { __signetRateEpoch?: { epoch: number } }).__signetRateEpoch ??= { epoch: 0 });

/**
 * Counts one request against `key` in the shared table; the seconds to wait once more than `limit`
 * came within the window, else undefined.
 */
export async function hitShared(key: string, limit: number, windowMs: number, now = Date.now()): Promise<number | undefined> {
  const start = Math.floor(now / windowMs) * windowMs;
  const client = await db();
  const [row] = await client.$queryRawUnsafe<{ count: number }[]>(
    `INSERT INTO rate_window (key, "windowStart", count) VALUES ($1, $2, 1)
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN rate_window."windowStart" = EXCLUDED."windowStart" THEN rate_window.count + 1 ELSE 1 END,
       "windowStart" = EXCLUDED."windowStart"
     RETURNING count`,
    `${epochState.epoch}:${key}`.slice(0, 200),
    new Date(start),
  );
  return row.count > limit ? Math.max(1, Math.ceil((start + windowMs - now) / 1000)) : undefined;
}

const shared = () => env().databaseUrl !== undefined;

/** Counts one request against `rule` across every instance (memory if the database fails or is embedded); throws 429 past a limit. */
export async function enforceSharedRateLimit(rule: RateRule, headers: Headers, now = Date.now()): Promise<void> {
  if (!shared()) return enforceRateLimit(rule, headers, now);
  let retryAfter: number | undefined;
  try {
    retryAfter = (await hitShared(`${rule.name}:${clientAddress(headers)}`, rule.perClient, rule.windowMs, now)) ?? (await hitShared(`${rule.name}:*`, rule.global, rule.windowMs, now));
  } catch {
    return enforceRateLimit(rule, headers, now);
  }
  if (retryAfter !== undefined) {
    throw new AppError("rate_limited", `Too many ${rule.name} requests; try again in ${retryAfter} s`, { retryAfter });
  }
}

/** better-auth's limiter (sign-in, sign-up, second-factor codes) on the same shared counters. */
export const sharedAuthRateLimitStorage = {
  consume: async (key: string, rule: { window: number; max: number }): Promise<{ allowed: boolean; retryAfter: number | null }> => {
    const windowMs = rule.window * 1000;
    let retryAfter: number | undefined;
    try {
      retryAfter = shared() ? await hitShared(`auth:${key}`, rule.max, windowMs) : hit(`auth:${key}`, rule.max, windowMs, Date.now());
    } catch {
      retryAfter = hit(`auth:${key}`, rule.max, windowMs, Date.now());
    }
    return retryAfter === undefined ? { allowed: true, retryAfter: null } : { allowed: false, retryAfter };
  },
};

/** Drops counters of windows that ended more than a day ago. */
export async function pruneRateWindows(now = Date.now()): Promise<number> {
  return (await db()).rateWindow.deleteMany({ where: { windowStart: { lt: new Date(now - 86_400_000) } } }).then((r) => r.count);
}

/** For tests: start every window afresh. */
export function resetRateLimits(): void {
  windows.clear();
  epochState.epoch += 1;
}
