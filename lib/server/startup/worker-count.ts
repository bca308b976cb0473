// How many server worker processes `npm start` runs. The embedded database admits one process, so
// exactly one there. On a PostgreSQL server any number may run (SIGNET_WORKERS): each has its own
// caches and rate-limit counters (docs/operations.md), revocations reach the others at once over the
// supervisor's IPC and within the 10-second poll in any case. The default stays at one until that
// has been measured under load; set SIGNET_WORKERS=2 so that OCSP keeps answering while a crashed
// worker restarts.
export function workerCount(config: { databaseUrl: string | undefined; workers: number | undefined }): number {
  if (!config.databaseUrl) {
    if (config.workers !== undefined && config.workers !== 1) {
      throw new Error(
        `Invalid Signet configuration: SIGNET_WORKERS=${config.workers} needs a PostgreSQL server (DATABASE_URL); the embedded database admits one process`,
      );
    }
    return 1;
  }
  return config.workers ?? 1;
}
