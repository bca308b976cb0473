// At start: signed archives from before artifacts lived in PostgreSQL, still files under this
// instance's data dir, move into the database. Per archive, one driver transaction locks the row,
// writes its pieces (checked against the row's SHA-256) and marks the row "database"; only after
// that commit is the file removed. A crash anywhere leaves either the file and a "file" row (moved
// again next start) or a "database" row and a leftover file (removed next start): idempotent, and
// several instances or workers starting at once take turns on each row.
import fs from "node:fs";
import path from "node:path";
import { env } from "../../env";
import { driverQuery, inDriverTransaction } from "../db/driver";
import { writeChunks } from "./artifact-bytes";
import { ARTIFACTS_DIR, resolveStoragePath } from "./storage";

export type MoveReport = { moved: string[]; removed: string[]; failed: { id: string; reason: string }[] };

export async function moveArtifactFilesIntoDatabase(): Promise<MoveReport> {
  const report: MoveReport = { moved: [], removed: [], failed: [] };
  const dir = path.join(env().dataDir, ARTIFACTS_DIR);
  const names = new Set(await fs.promises.readdir(dir).catch(() => [] as string[]));
  if (names.size === 0) return report;
  const rows = await driverQuery<{ id: string; storagePath: string; storage: string }>(`SELECT id, "storagePath", storage FROM artifact WHERE "storagePath" = ANY($1::text[])`, [
    [...names].map((n) => `${ARTIFACTS_DIR}/${n}`),
  ]);
  for (const row of rows) {
    let file: string;
    try {
      file = resolveStoragePath(row.storagePath);
    } catch {
      continue;
    }
    if (row.storage !== "database") {
      try {
        const outcome = await inDriverTransaction(async (sql) => {
          const [locked] = await sql<{ storage: string; sha256: string }>(`SELECT storage, sha256 FROM artifact WHERE id = $1 FOR UPDATE`, [row.id]);
          if (!locked || locked.storage === "database") return "already";
          const written = await writeChunks(sql, row.id, file);
          // Rolled back with the pieces: a damaged file is reported and left where it is.
          if (written.sha256 !== locked.sha256) throw new Error(`the file's SHA-256 ${written.sha256} differs from the recorded ${locked.sha256}`);
          await sql(`UPDATE artifact SET storage = 'database' WHERE id = $1`, [row.id]);
          return "moved";
        });
        if (outcome === "moved") report.moved.push(row.id);
      } catch (err) {
        report.failed.push({ id: row.id, reason: err instanceof Error ? err.message : String(err) });
        continue;
      }
    }
    await fs.promises.rm(file, { force: true });
    report.removed.push(path.basename(file));
  }
  return report;
}
