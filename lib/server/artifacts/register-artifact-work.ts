// Background work for signed archives: clearing what crashed uploads and signings left behind
// (the first run, a second after start, is the recovery after a crash).
import { db } from "../../db";
import { registerJob } from "../startup/background-jobs";
import { sweepAbandonedFiles } from "./sweep-abandoned-files";

export function registerArtifactWork(): void {
  registerJob({ name: "abandoned-files", everyMs: 60 * 60_000, run: async () => void (await sweepAbandonedFiles(await db())) });
}
