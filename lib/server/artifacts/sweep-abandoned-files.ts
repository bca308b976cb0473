// Files a crash left behind: uploads in flight (tmp/), half-written signed archives (.partial) and a
// signed archive renamed into place by a transaction that never committed (no row names it).
// Run at start and hourly; the age threshold spares work still in progress on another instance.
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../../db";
import { env } from "../../env";
import { ARTIFACTS_DIR } from "./storage";

export const ABANDONED_AFTER_MS = 60 * 60_000;
const STORED = /^([0-9a-f-]{36})(\.jpl|\.tar\.gz|\.zip|\.difypkg|\.mender)$/;

async function oldEntries(dir: string, olderThan: number): Promise<string[]> {
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  const old: string[] = [];
  for (const name of names) {
    const stat = await fs.promises.stat(path.join(dir, name)).catch(() => undefined);
    if (stat?.isFile() && stat.mtimeMs <= olderThan) old.push(name);
  }
  return old;
}

export async function sweepAbandonedFiles(client: Db, now = Date.now(), ageMs = ABANDONED_AFTER_MS): Promise<{ removed: string[] }> {
  const { dataDir } = env();
  const olderThan = now - ageMs;
  const removed: string[] = [];
  const remove = async (file: string) => {
    await fs.promises.rm(file, { force: true });
    removed.push(path.relative(dataDir, file));
  };
  const tmp = path.join(dataDir, "tmp");
  for (const name of await oldEntries(tmp, olderThan)) await remove(path.join(tmp, name));
  const artifacts = path.join(dataDir, ARTIFACTS_DIR);
  const candidates = await oldEntries(artifacts, olderThan);
  for (const name of candidates.filter((n) => n.endsWith(".partial"))) await remove(path.join(artifacts, name));
  const stored = candidates.map((n) => STORED.exec(n)).filter((m): m is RegExpExecArray => Boolean(m));
  const known = new Set((await client.artifact.findMany({ where: { id: { in: stored.map((m) => m[1]) } }, select: { id: true } })).map((a) => a.id));
  for (const m of stored) if (!known.has(m[1])) await remove(path.join(artifacts, m[0]));
  return { removed };
}
