// The shape every transactional outbox in Signet shares (webhook deliveries, mail): rows written in
// the transaction that caused them, claimed after commit with SKIP LOCKED (so several instances
// never send one row at the same time), sent, and retried with one backoff schedule. The caller
// never waits for a receiver: `kick` runs a round on the next tick, the background job catches up.

/** Delays after the 1st, 2nd … failed attempt; after the last one the row is marked failed. */
export const RETRY_DELAYS_MS = [30_000, 2 * 60_000, 10 * 60_000, 60 * 60_000, 6 * 60 * 60_000];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** How long a claimed row stays invisible to other instances while it is being sent. */
export const CLAIM_MS = 60_000;
export const BATCH = 20;

/** The row's next state after an attempt (`attempts` counts this one). */
export function afterAttempt(attempts: number, ok: boolean, now: Date) {
  const failedForGood = !ok && attempts >= MAX_ATTEMPTS;
  return {
    attempts,
    lastAttemptAt: now,
    lockedUntil: null,
    status: ok ? ("delivered" as const) : failedForGood ? ("failed" as const) : ("pending" as const),
    deliveredAt: ok ? new Date() : null,
    nextAttemptAt: ok || failedForGood ? null : new Date(now.getTime() + RETRY_DELAYS_MS[attempts - 1]),
    failedForGood,
  };
}

export type OutboxRunner = {
  /** Sends everything due at `now` (tests pass a later `now` to reach retries). Returns rows attempted. */
  deliverDue(now?: Date): Promise<number>;
  /** Fire-and-forget after a commit. */
  kick(): void;
  /** Lets tests wait for a kicked round to finish. */
  settled(): Promise<void>;
};

export function createOutboxRunner<Row>(name: string, ops: { claimDue(now: Date): Promise<Row[]>; attempt(row: Row, now: Date): Promise<void> }): OutboxRunner {
  async function deliverDue(now = new Date()): Promise<number> {
    let total = 0;
    for (let round = 0; round < 50; round++) {
      const batch = await ops.claimDue(now);
      if (batch.length === 0) break;
      await Promise.all(batch.map((row) => ops.attempt(row, now)));
      total += batch.length;
    }
    return total;
  }
  let running: Promise<void> | undefined;
  let again = false;
  function kick(): void {
    if (running) {
      again = true;
      return;
    }
    running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(async () => {
        do {
          again = false;
          await deliverDue();
        } while (again);
      })
      .catch((err) => console.error(`[signet] ${name} delivery failed:`, err instanceof Error ? err.message : err))
      .finally(() => {
        running = undefined;
      });
  }
  return { deliverDue, kick, settled: () => running ?? Promise.resolve() };
}
