// Background work for signed archives: clearing what crashed uploads and signings left behind
// (the first run, a second after start, is the recovery after a crash).
import { db } from "../../db";
import { registerJob } from "../startup/background-jobs";
import { SWEEP_EVERY_MS, sweepAbandonedFiles } from "./sweep-abandoned-files";

export function registerArtifactWork(): void {
  // Each instance sweeps its own data dir (the database part of the sweep is idempotent).
  registerJob({ name: "abandoned-files", everyMs: SWEEP_EVERY_MS, scope: "instance", run: async () => void (await sweepAbandonedFiles(await db())) });
}
