// `npm start` after the build: the supervisor process. It holds the embedded database's server lock
// for as long as it runs (workers come and go under it) and turns SIGINT/SIGTERM into a clean stop.
import { env } from "../../env";
import { secureDataDir } from "./data-dir";
import { readLiveServerLock, writeServerLock } from "./server-lock";
import { superviseWorkers } from "./supervise-workers";
import { workerCount } from "./worker-count";

export async function serveSupervised(serverScript: string, args: string[]): Promise<number> {
  const e = env();
  let workers: number;
  try {
    workers = workerCount(e);
  } catch (err) {
    console.error(`[signet] ${(err as Error).message}`);
    return 1;
  }
  if (!e.databaseUrl) {
    const running = readLiveServerLock();
    if (running && running.pid !== process.pid) {
      console.error(`[signet] another Signet server (pid ${running.pid}, ${running.url}) holds the embedded database in ${e.dataDir}`);
      return 1;
    }
    secureDataDir(e.dataDir);
    writeServerLock(`http://127.0.0.1:${e.port}`);
  }
  const supervisor = superviseWorkers({ exec: serverScript, args, workers });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      console.log(`[signet] ${signal}: shutting down`);
      void supervisor.stop();
    });
  }
  return supervisor.done;
}
