// The start-up sweep removes what a crashed process left (its name says whose it was) at once, and
// spares files a live process — this one, another worker, another host — may still be writing.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { partialArtifactPath, tempPath, ensureDir, ARTIFACTS_DIR } from "@/lib/server/artifacts/storage";
import { sweepAbandonedFiles, UNCOMMITTED_AFTER_MS } from "@/lib/server/artifacts/sweep-abandoned-files";
import { resetDatabase } from "./helpers";

/** The pid of a process that has exited (so the name of a file it owned points at nobody). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

const asOwner = (file: string, pid: number) => path.join(path.dirname(file), path.basename(file).replace(`.${process.pid}~`, `.${pid}~`));
const touch = (file: string) => fs.writeFileSync(file, "bytes", { mode: 0o600 });

describe("start-up sweep of abandoned files", () => {
  beforeAll(async () => {
    await resetDatabase();
    // An empty database and the files of earlier suites (their rows are gone): start from an empty
    // data dir too, so that what the sweep removes is exactly what this test left.
    for (const dir of [ARTIFACTS_DIR, "tmp"]) fs.rmSync(path.join(env().dataDir, dir), { recursive: true, force: true });
  });

  it("removes a dead process's uploads and partial archives at once and spares live owners' files", async () => {
    const dead = deadPid();
    await ensureDir(ARTIFACTS_DIR);
    const mine = await tempPath(".upload");
    const crashedUpload = asOwner(await tempPath(".upload"), dead);
    const crashedPartial = asOwner(partialArtifactPath(crypto.randomUUID()), dead);
    const otherHost = path.join(path.dirname(mine), `deadbeef.${dead}~${crypto.randomUUID()}.upload`);
    const uncommitted = path.join(env().dataDir, ARTIFACTS_DIR, `${crypto.randomUUID()}.jpl`);
    for (const f of [mine, crashedUpload, crashedPartial, otherHost, uncommitted]) touch(f);
    const rel = (f: string) => path.relative(env().dataDir, f);

    const client = await db();
    const first = await sweepAbandonedFiles(client);
    expect(first.removed.sort()).toEqual([rel(crashedUpload), rel(crashedPartial)].sort());
    for (const f of [mine, otherHost, uncommitted]) expect(fs.existsSync(f), rel(f)).toBe(true);

    // Past the commit window a stored archive no row names was never committed; live owners' uploads stay.
    const later = await sweepAbandonedFiles(client, Date.now() + UNCOMMITTED_AFTER_MS + 1_000);
    expect(later.removed).toEqual([rel(uncommitted)]);
    expect(fs.existsSync(mine)).toBe(true);
    // Past the age limit, nothing in flight is anyone's any more.
    const old = await sweepAbandonedFiles(client, Date.now() + 2 * 3600_000);
    expect(old.removed.sort()).toEqual([rel(mine), rel(otherHost)].sort());
  });
});
