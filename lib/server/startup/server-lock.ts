// With the embedded database only one process may open the data dir. A running server records
// itself here so `signet` commands talk to it over HTTP instead of opening PGlite a second time.
import fs from "node:fs";
import path from "node:path";
import { env } from "../../env";

export type ServerLock = { pid: number; url: string; startedAt: string };

export function serverLockPath(dataDir = env().dataDir): string {
  return path.join(dataDir, "server.json");
}

export function writeServerLock(url: string): void {
  const file = serverLockPath();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, JSON.stringify({ pid: process.pid, url, startedAt: new Date().toISOString() } satisfies ServerLock), { mode: 0o600 });
  const remove = () => {
    try {
      const current = JSON.parse(fs.readFileSync(file, "utf8")) as ServerLock;
      if (current.pid === process.pid) fs.rmSync(file, { force: true });
    } catch {
      /* already gone */
    }
  };
  process.once("exit", remove);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      remove();
      process.exit(0);
    });
  }
}

/** The live server holding the embedded database, if any (a stale file from a crashed one is ignored). */
export function readLiveServerLock(dataDir = env().dataDir): ServerLock | undefined {
  try {
    const lock = JSON.parse(fs.readFileSync(serverLockPath(dataDir), "utf8")) as ServerLock;
    process.kill(lock.pid, 0);
    return lock;
  } catch {
    return undefined;
  }
}
