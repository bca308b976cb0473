// Files a crash left behind: uploads in flight (tmp/), half-written signed archives (.partial) and a
// signed archive renamed into place by a transaction that never committed (no row names it), and
// the database pieces of a signed archive whose row never committed.
// Run at start (the first run, a second after start, is the recovery after a crash) and every few
// minutes. A file in flight names its owner (lib/server/artifacts/storage.ts): one owned by a process
// of this host that is gone is removed at once; one whose owner may be alive (this process, another
// worker, another host sharing the data dir) only once it is older than any upload can take.
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../../db";
import { env } from "../../env";
import { ARTIFACTS_DIR, ownerOf } from "./storage";
import { sweepOrphanChunks } from "./artifact-bytes";

/** Longer than any request may take (scripts/server.mjs: requestTimeout) plus signing. */
export const ABANDONED_AFTER_MS = 60 * 60_000;
/**
 * A stored archive is renamed into place inside its row's transaction (timeout 60 s, after up to
 * 60 s waiting for a connection): one older than this that no row names was never committed.
 */
export const UNCOMMITTED_AFTER_MS = 5 * 60_000;
export const SWEEP_EVERY_MS = UNCOMMITTED_AFTER_MS;
const STORED = /^([0-9a-f-]{36})(\.jpl|\.tar\.gz|\.zip|\.difypkg|\.mender)$/;

type Entry = { name: string; changedMs: number };

async function files(dir: string): Promise<Entry[]> {
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  const out: Entry[] = [];
  for (const name of names) {
    const stat = await fs.promises.lstat(path.join(dir, name)).catch(() => undefined);
    // ctime: a rename into place updates it, mtime would still say when the bytes were written.
    if (stat?.isFile()) out.push({ name, changedMs: Math.max(stat.mtimeMs, stat.ctimeMs) });
  }
  return out;
}

function processGone(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // EPERM: a process of another user holds the pid, so the owner is gone too.
    return (err as NodeJS.ErrnoException).code === "ESRCH" || (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether a file in flight belongs to nobody any more. */
function abandoned(entry: Entry, olderThan: number): boolean {
  const owner = ownerOf(entry.name);
  if (owner?.host === "this" && processGone(owner.pid)) return true;
  return entry.changedMs <= olderThan;
}

export async function sweepAbandonedFiles(client: Db, now = Date.now(), ageMs = ABANDONED_AFTER_MS): Promise<{ removed: string[]; orphanArtifacts: number }> {
  const { dataDir } = env();
  const removed: string[] = [];
  const remove = async (file: string) => {
    await fs.promises.rm(file, { force: true });
    removed.push(path.relative(dataDir, file));
  };
  const tmp = path.join(dataDir, "tmp");
  for (const entry of await files(tmp)) if (abandoned(entry, now - ageMs)) await remove(path.join(tmp, entry.name));
  const artifacts = path.join(dataDir, ARTIFACTS_DIR);
  const entries = await files(artifacts);
  for (const entry of entries.filter((e) => e.name.endsWith(".partial"))) if (abandoned(entry, now - ageMs)) await remove(path.join(artifacts, entry.name));
  const uncommittedBefore = now - Math.min(ageMs, UNCOMMITTED_AFTER_MS);
  const stored = entries
    .filter((e) => e.changedMs <= uncommittedBefore)
    .map((e) => STORED.exec(e.name))
    .filter((m): m is RegExpExecArray => Boolean(m));
  const known = new Set((await client.artifact.findMany({ where: { id: { in: stored.map((m) => m[1]) } }, select: { id: true } })).map((a) => a.id));
  for (const m of stored) if (!known.has(m[1])) await remove(path.join(artifacts, m[0]));
  // Pieces in the database whose row never committed (written just before it, lib/server/artifacts/sign-artifact.ts).
  const orphans = await sweepOrphanChunks(Math.min(ageMs, UNCOMMITTED_AFTER_MS));
  return { removed, orphanArtifacts: orphans };
}
