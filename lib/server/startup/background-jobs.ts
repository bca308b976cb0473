// Periodic work of a server instance. Each job is idempotent and safe to run on several instances.
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
    const tick = () =>
      job.run().catch((err) => console.error(`[signet] background job ${job.name} failed:`, err instanceof Error ? err.message : err));
    setTimeout(tick, 1_000).unref();
    setInterval(tick, job.everyMs).unref();
  }
}
