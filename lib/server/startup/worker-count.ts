// How many server worker processes `npm start` runs. The embedded database admits one process, so
// exactly one there. On a PostgreSQL server one per core by default (each serves the console, the
// API and the OCSP fast path; revocations and CA changes reach them all through NOTIFY, limits and
// background jobs are shared through the database), or SIGNET_WORKERS.
import os from "node:os";

export function workerCount(config: { databaseUrl: string | undefined; workers: number | undefined }, cores = os.availableParallelism()): number {
  if (!config.databaseUrl) {
    if (config.workers !== undefined && config.workers !== 1) {
      throw new Error(
        `Invalid Signet configuration: SIGNET_WORKERS=${config.workers} needs a PostgreSQL server (DATABASE_URL); the embedded database admits one process`,
      );
    }
    return 1;
  }
  return config.workers ?? Math.max(1, cores);
}
