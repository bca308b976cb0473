// Periodic work of a server instance. Each job is idempotent and safe to run on several instances.
import { databaseUnavailable, isDatabaseUnavailable } from "../db/unavailable";

type Job = { name: string; everyMs: number; run: () => Promise<void> };

const jobs: Job[] = [];

export function registerJob(job: Job): void {
  jobs.push(job);
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
      job
        .run()
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
