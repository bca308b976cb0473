// Failed and denied actions as audit events. They are written in their own transaction, after the
// workflow's transaction rolled back, and a failure to write one never changes the answer the caller
// gets. So that an anonymous flood (wrong setup tokens, password guessing, forged CSRF posts) cannot
// grow the chain without bound, each (action, actor) pair may write RECORD_PER_WINDOW events a minute
// on this instance; the rest are counted and written as one `audit.denials_suppressed` event when the
// window is over (by the next denial of that pair, or by the checkpoint job). Anonymous callers share
// one actor ("anonymous"): addresses can be forged, so a per-address budget would not bound anything.
import { db } from "../../db";
import type { Principal } from "../auth/principal";
import { actorOf } from "../auth/principal";
import { appendAuditEvent, type AuditInput } from "./append-audit-event";

export const RECORD_PER_WINDOW = 20;
export const DENIAL_WINDOW_MS = 60_000;

type Window = { start: number; recorded: number; suppressed: number; actor: Principal; action: string };
const windows = new Map<string, Window>();
const MAX_TRACKED = 10_000;

// Errors whose workflow already recorded its own denial event, so the route wrapper does not add a second.
const audited = new WeakSet<object>();

export function markAudited<E extends object>(err: E): E {
  audited.add(err);
  return err;
}

export function wasAudited(err: unknown): boolean {
  return typeof err === "object" && err !== null && audited.has(err);
}

async function write(input: AuditInput): Promise<void> {
  try {
    const client = await db();
    await client.$transaction((tx) => appendAuditEvent(tx, input).then(() => undefined));
  } catch (err) {
    console.error("[signet] could not record a denied action in the audit log:", err instanceof Error ? err.message : err);
  }
}

function summary(w: Window, end: number): AuditInput {
  return {
    actor: w.actor,
    action: "audit.denials_suppressed",
    subjectType: "audit",
    outcome: w.action.startsWith("http.conflict") ? "failure" : "denied",
    details: { action: w.action, count: w.suppressed, from: new Date(w.start).toISOString(), to: new Date(end).toISOString(), perWindow: RECORD_PER_WINDOW },
  };
}

/** Records a denied ("denied") or failed ("failure") action, within the per-minute budget. */
export async function recordDenial(input: AuditInput & { outcome: "denied" | "failure" }, now = Date.now()): Promise<void> {
  const key = `${input.action}\u0000${actorOf(input.actor).actorLabel}`;
  let w = windows.get(key);
  if (w && now - w.start >= DENIAL_WINDOW_MS) {
    const done = w;
    windows.delete(key);
    w = undefined;
    if (done.suppressed > 0) await write(summary(done, done.start + DENIAL_WINDOW_MS));
    w = windows.get(key); // another denial may have opened the next window meanwhile
  }
  if (!w) {
    if (windows.size >= MAX_TRACKED) await flushSuppressedDenials(now, true);
    w = { start: now, recorded: 0, suppressed: 0, actor: input.actor, action: input.action };
    windows.set(key, w);
  }
  if (w.recorded >= RECORD_PER_WINDOW) {
    w.suppressed += 1;
    return;
  }
  w.recorded += 1;
  await write({ ...input, at: input.at ?? new Date(now) });
}

/** Writes the count of every finished window that suppressed events (all of them with `all`). */
export async function flushSuppressedDenials(now = Date.now(), all = false): Promise<void> {
  for (const [key, w] of [...windows]) {
    if (!all && now - w.start < DENIAL_WINDOW_MS) continue;
    windows.delete(key);
    if (w.suppressed > 0) await write(summary(w, Math.min(now, w.start + DENIAL_WINDOW_MS)));
  }
}

/** For tests: forget every window without writing. */
export function resetDenialBudget(): void {
  windows.clear();
}
