// Periodic work. Every worker of every instance ticks every job, but a job that works on shared state
// (CRLs, sweeps of shared tables, mail and webhook delivery, the expiry scan, audit checkpoints) runs
// on one of them per interval: a tick claims the run in job_lease, on the database's clock, only when
// a whole interval has passed since the last claim by anyone and no live run holds the lease. The
// running holder renews its lease every few seconds; if it dies, the lease lapses within
// leaseMs and the next tick of any other instance takes the job over. A job that keeps this
// process's own memory or data dir in step ("instance" scope) runs everywhere.
import crypto from "node:crypto";
import os from "node:os";
import { db } from "../../db";
import { databaseUnavailable, isDatabaseUnavailable } from "../db/unavailable";

export type Job = { name: string; everyMs: number; run: () => Promise<void>; scope?: "shared" | "instance" };

const jobs: Job[] = [];

export function registerJob(job: Job): void {
  jobs.push(job);
}

/**
 * How long a claimed run holds its job without renewing (its holder is presumed dead after that):
 * three intervals, at least 5 s and at most 30 s, renewed three times per lease.
 */
export const leaseMs = (everyMs: number) => Math.min(30_000, Math.max(5_000, 3 * everyMs));
const HOLDER = `${os.hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;

/** Claims this interval's run of a shared job; false when another instance has it or had it. */
export async function claimRun(name: string, everyMs: number, holder = HOLDER): Promise<boolean> {
  const lease = leaseMs(everyMs);
  const client = await db();
  // Ticks of different instances are not aligned: a little slack keeps the one that claimed last
  // time from missing the next interval by a few milliseconds of timer drift.
  const slackMs = Math.min(1_000, everyMs / 10);
  await client.$executeRawUnsafe(`INSERT INTO job_lease (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, name);
  const claimed = await client.$queryRawUnsafe<{ name: string }[]>(
    `UPDATE job_lease SET holder = $2, "lastStartedAt" = CURRENT_TIMESTAMP, "runningUntil" = CURRENT_TIMESTAMP + make_interval(secs => $4::float8), runs = runs + 1
      WHERE name = $1
        AND ("lastStartedAt" IS NULL OR "lastStartedAt" <= CURRENT_TIMESTAMP - make_interval(secs => $3::float8))
        AND ("runningUntil" IS NULL OR "runningUntil" < CURRENT_TIMESTAMP)
      RETURNING name`,
    name,
    holder,
    (everyMs - slackMs) / 1000,
    lease / 1000,
  );
  return claimed.length === 1;
}

async function renewLease(name: string, lease: number, holder = HOLDER): Promise<void> {
  await (await db()).$executeRawUnsafe(
    `UPDATE job_lease SET "runningUntil" = CURRENT_TIMESTAMP + make_interval(secs => $3::float8) WHERE name = $1 AND holder = $2`,
    name,
    holder,
    lease / 1000,
  );
}

async function releaseLease(name: string, holder = HOLDER): Promise<void> {
  await (await db()).$executeRawUnsafe(`UPDATE job_lease SET "runningUntil" = NULL WHERE name = $1 AND holder = $2`, name, holder);
}

/** One tick of a shared job: claim, run while renewing, release. */
async function runShared(job: Job): Promise<void> {
  if (!(await claimRun(job.name, job.everyMs))) return;
  const lease = leaseMs(job.everyMs);
  const renew = setInterval(() => void renewLease(job.name, lease).catch(() => {}), lease / 3);
  renew.unref();
  try {
    await job.run();
  } finally {
    clearInterval(renew);
    await releaseLease(job.name).catch(() => {});
  }
}

let started = false;

export function startBackgroundJobs(): void {
  if (started) return;
  started = true;
  for (const job of jobs) {
    let running = false;
    // A run that outlasts its interval (a slow database, a big CRL) is not started twice over.
    const tick = () => {
      if (running) return;
      running = true;
      (job.scope === "instance" ? job.run() : runShared(job))
        .catch((err) => {
          // While the database is away every job fails each tick: one line a minute says so instead.
          if (isDatabaseUnavailable(err)) databaseUnavailable(err);
          else console.error(`[signet] background job ${job.name} failed:`, err instanceof Error ? err.message : err);
        })
        .finally(() => (running = false));
    };
    setTimeout(tick, 1_000).unref();
    setInterval(tick, job.everyMs).unref();
  }
}
