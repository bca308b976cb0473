// A signed archive's bytes in PostgreSQL, the one state every instance shares: 1 MiB pieces in
// artifact_chunk, written from the signed file and read back one piece per query through the driver
// (lib/server/db/driver.ts), so neither direction ever holds the archive whole in memory and no
// value larger than a piece passes through a query. Embedded PGlite takes the same statements.
import crypto from "node:crypto";
import fs from "node:fs";
import { Readable } from "node:stream";
import { driverQuery, inDriverTransaction, type Sql } from "../db/driver";

export const CHUNK_BYTES = 1024 * 1024;

const asBuffer = (data: unknown): Buffer => (Buffer.isBuffer(data) ? data : Buffer.from(data as Uint8Array));

/** Writes the file's bytes as `artifactId`'s pieces (replacing any); returns their count, size and SHA-256. */
export async function writeChunks(sql: Sql, artifactId: string, file: string): Promise<{ chunks: number; size: number; sha256: string }> {
  await sql(`DELETE FROM artifact_chunk WHERE "artifactId" = $1`, [artifactId]);
  const hash = crypto.createHash("sha256");
  let seq = 0;
  let size = 0;
  for await (const piece of fs.createReadStream(file, { highWaterMark: CHUNK_BYTES })) {
    const bytes = piece as Buffer;
    hash.update(bytes);
    size += bytes.length;
    await sql(`INSERT INTO artifact_chunk ("artifactId", seq, data) VALUES ($1, $2, $3)`, [artifactId, seq++, bytes]);
  }
  return { chunks: seq, size, sha256: hash.digest("hex") };
}

/** Stores a signed archive's bytes, committed before its row is (the sweep removes pieces no row names). */
export async function storeArtifactBytes(artifactId: string, file: string): Promise<void> {
  await inDriverTransaction((sql) => writeChunks(sql, artifactId, file));
}

export async function deleteArtifactBytes(artifactId: string): Promise<void> {
  await driverQuery(`DELETE FROM artifact_chunk WHERE "artifactId" = $1`, [artifactId]);
}

/**
 * The stored bytes as a stream that fetches the next piece only when the consumer wants it. A piece
 * that is missing (never for a committed row) ends the stream with an error, not with short data.
 */
export function readArtifactBytes(artifactId: string, size: number): Readable {
  const count = Math.ceil(size / CHUNK_BYTES);
  async function* pieces() {
    for (let seq = 0; seq < count; seq++) {
      const [row] = await driverQuery<{ data: unknown }>(`SELECT data FROM artifact_chunk WHERE "artifactId" = $1 AND seq = $2`, [artifactId, seq]);
      if (!row) throw new Error(`artifact ${artifactId}: piece ${seq} of ${count} is missing`);
      yield asBuffer(row.data);
    }
  }
  return Readable.from(pieces(), { objectMode: false, highWaterMark: CHUNK_BYTES });
}

/**
 * Removes pieces that no artifact row names and that were written more than `ageMs` ago (a signing
 * that never committed its row). Ages are taken on the database's clock, which every instance shares.
 */
export async function sweepOrphanChunks(ageMs: number): Promise<number> {
  const rows = await driverQuery<{ artifactId: string }>(
    `DELETE FROM artifact_chunk c WHERE c."createdAt" < CURRENT_TIMESTAMP - make_interval(secs => $1::float8)
       AND NOT EXISTS (SELECT 1 FROM artifact a WHERE a.id = c."artifactId") RETURNING c."artifactId"`,
    [ageMs / 1000],
  );
  return new Set(rows.map((r) => r.artifactId)).size;
}
