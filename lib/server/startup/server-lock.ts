// With the embedded database only one process may open the data dir. A running server records
// itself here so `signet` commands talk to it over HTTP instead of opening PGlite a second time.
import fs from "node:fs";
import path from "node:path";
import { env } from "../../env";

export type ServerLock = { pid: number; url: string; startedAt: string };

export function serverLockPath(dataDir = env().dataDir): string {
  return path.join(dataDir, "server.json");
}

/**
 * Records this process as the data dir's server and removes the record when it exits. Under the
 * supervisor (lib/server/startup/supervise-workers.ts) the supervisor writes it, not the workers:
 * its pid stays the same across worker restarts, so no CLI command can slip into the data dir while
 * a replacement worker starts. Returns the removal, for a caller that exits on its own terms.
 */
export function writeServerLock(url: string): () => void {
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
  // Signals are left to the caller (a graceful shutdown ends in process.exit, which runs this).
  process.once("exit", remove);
  return remove;
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
