// Liveness and readiness (docs/operations.md). Liveness says the process answers: it holds while the
// database is away, so a load balancer or supervisor does not restart a healthy instance that would
// only come back to the same unreachable database. Readiness says this instance can serve requests
// that need the database: it fails while the database is away and recovers with it, by itself.
import { db } from "../../db";

export type Health = { status: "ok" | "degraded"; database: "ok" | "unavailable" };

// A probe that hangs (a database host that stopped answering rather than refusing) is an answer too.
const PROBE_TIMEOUT_MS = 5_000;
const QUIET_MS = 60_000;
let lastLogged = 0;

export async function checkHealth(): Promise<Health> {
  let timer: NodeJS.Timeout | undefined;
  try {
    // Opening the client (the first time: migrations) is bounded by the pool's connection timeout and
    // not raced: a slow first start is not an outage.
    const client = await db();
    const probe = client.$queryRawUnsafe("SELECT 1");
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    });
    probe.catch(() => {});
    await Promise.race([probe, timeout]);
    return { status: "ok", database: "ok" };
  } catch (err) {
    const now = Date.now();
    if (now - lastLogged >= QUIET_MS) {
      lastLogged = now;
      console.error("[signet] health check: database unavailable", err instanceof Error ? err.message.trim().split("\n").at(-1) : err);
    }
    return { status: "degraded", database: "unavailable" };
  } finally {
    clearTimeout(timer);
  }
}
