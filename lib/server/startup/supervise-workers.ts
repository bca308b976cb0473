// The production server's supervisor (node:cluster primary): runs the worker processes, restarts
// one that dies — at once after a long life, with growing back-off in a crash loop — logs why it
// died, relays revocations between workers, and on SIGINT/SIGTERM stops them all before exiting.
// A replacement is forked only from the dead worker's 'exit' event, so with the embedded database
// the new worker opens PGlite only once the old process is gone. Workers share the listening port
// (the primary accepts and hands connections round-robin), so with two or more workers one keeps
// answering OCSP while another restarts.
import cluster, { type Worker } from "node:cluster";

export type SupervisorOptions = {
  /** The worker script (scripts/server.mjs) and its arguments. */
  exec: string;
  args?: string[];
  workers: number;
  env?: Record<string, string>;
  log?: (line: string) => void;
  /** First delay of a crash loop; doubled per quick death up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A worker that lived this long was not part of a crash loop: the next restart is immediate. */
  stableAfterMs?: number;
  /** How long workers may take to finish in-flight requests on shutdown before SIGKILL. */
  shutdownGraceMs?: number;
};

export type Supervisor = {
  /** Stops every worker (SIGTERM, then SIGKILL after the grace period). */
  stop(): Promise<void>;
  /** Resolves with the exit code the supervisor should end with. */
  done: Promise<number>;
};

const describeExit = (code: number | null, signal: string | null) => (signal ? `was killed by ${signal}` : `exited with code ${code}`);

export function superviseWorkers(opts: SupervisorOptions): Supervisor {
  const log = opts.log ?? ((line: string) => console.log(line));
  const initialBackoffMs = opts.initialBackoffMs ?? 1_000;
  const maxBackoffMs = opts.maxBackoffMs ?? 30_000;
  const stableAfterMs = opts.stableAfterMs ?? 30_000;
  const shutdownGraceMs = opts.shutdownGraceMs ?? 15_000;

  cluster.setupPrimary({ exec: opts.exec, args: opts.args ?? [], execArgv: [], silent: false });

  const live = new Map<number, { worker: Worker; slot: number; startedAt: number }>();
  const timers = new Set<NodeJS.Timeout>();
  let everReady = false;
  let stopping = false;
  let quickDeaths = 0;
  let exitCode = 0;
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));

  const fork = (slot: number) => {
    const worker = cluster.fork({ ...opts.env, SIGNET_WORKER_SLOT: String(slot) });
    live.set(worker.id, { worker, slot, startedAt: Date.now() });
    worker.on("listening", () => {
      if (!everReady) log(`[signet] supervisor ${process.pid}: ${opts.workers} worker${opts.workers > 1 ? "s" : ""} serving`);
      everReady = true;
      log(`[signet] worker ${worker.process.pid} (slot ${slot}) ready`);
    });
    // Revocations (lib/server/revocation/ocsp-cache.ts) go to every other worker.
    worker.on("message", (m: unknown) => {
      if (typeof m !== "object" || m === null || !("signet" in m)) return;
      for (const other of live.values()) if (other.worker !== worker && other.worker.isConnected()) other.worker.send(m);
    });
    worker.on("exit", (code, signal) => onExit(worker, code, signal));
  };

  const onExit = (worker: Worker, code: number | null, signal: string | null) => {
    const entry = live.get(worker.id);
    live.delete(worker.id);
    if (stopping) {
      if (live.size === 0) finish(exitCode);
      return;
    }
    const lived = entry ? Date.now() - entry.startedAt : 0;
    log(`[signet] worker ${worker.process.pid} (slot ${entry?.slot}) ${describeExit(code, signal)} after ${Math.round(lived / 1000)} s`);
    if (!everReady) {
      // Never served: a configuration or start-up error, not a crash. Say so and stop.
      log("[signet] the server failed to start; not restarting");
      exitCode = code || 1;
      void stop();
      return;
    }
    quickDeaths = lived < stableAfterMs ? quickDeaths + 1 : 0;
    const delay = quickDeaths === 0 ? 0 : Math.min(maxBackoffMs, initialBackoffMs * 2 ** (quickDeaths - 1));
    if (quickDeaths > 1) log(`[signet] crash loop: ${quickDeaths} workers died within ${Math.round(stableAfterMs / 1000)} s of starting`);
    log(`[signet] restarting worker slot ${entry?.slot} in ${(delay / 1000).toFixed(delay % 1000 ? 1 : 0)} s`);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopping) fork(entry?.slot ?? 0);
    }, delay);
    timers.add(timer);
  };

  const stop = async () => {
    if (stopping) return done.then(() => undefined);
    stopping = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    if (live.size === 0) {
      finish(exitCode);
      return;
    }
    log(`[signet] stopping ${live.size} worker${live.size > 1 ? "s" : ""}`);
    for (const { worker } of live.values()) worker.process.kill("SIGTERM");
    const kill = setTimeout(() => {
      for (const { worker } of live.values()) {
        log(`[signet] worker ${worker.process.pid} did not stop within ${shutdownGraceMs / 1000} s; killing it`);
        worker.process.kill("SIGKILL");
      }
    }, shutdownGraceMs);
    await done;
    clearTimeout(kill);
  };

  for (let slot = 0; slot < opts.workers; slot++) fork(slot);
  return { stop, done };
}
