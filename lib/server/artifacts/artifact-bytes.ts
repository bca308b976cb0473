// A signed archive's bytes in PostgreSQL, the one state every instance shares: 1 MiB pieces in
// artifact_chunk, written from the signed file (binary parameters) and read back one piece per
// query through the driver (lib/server/db/driver.ts), so neither direction ever holds the archive
// whole in memory and no value larger than a piece passes through a query. On a PostgreSQL server a
// piece is read with a binary COPY: a bytea column as a query result would come as hex text (twice
// the bytes, encoded by the server and decoded here). Embedded PGlite hands bytea over as bytes.
import crypto from "node:crypto";
import fs from "node:fs";
import { Readable } from "node:stream";
import type { Pool } from "pg";
import { driver, driverQuery, inDriverTransaction, type Sql } from "../db/driver";

export const CHUNK_BYTES = 1024 * 1024;

const asBuffer = (data: unknown): Buffer => (Buffer.isBuffer(data) ? data : Buffer.from(data as Uint8Array));

/** The file's bytes from `start`, in pieces of exactly CHUNK_BYTES (the last one shorter), at most `count` of them. */
async function* piecesOf(file: string, start = 0, count = Infinity): AsyncGenerator<Buffer> {
  if (count <= 0) return;
  const end = count === Infinity ? undefined : start + count * CHUNK_BYTES - 1;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const read of fs.createReadStream(file, { start, end, highWaterMark: CHUNK_BYTES })) {
    pending.push(read as Buffer);
    pendingBytes += (read as Buffer).length;
    while (pendingBytes >= CHUNK_BYTES) {
      const joined = pending.length === 1 ? pending[0] : Buffer.concat(pending);
      yield joined.subarray(0, CHUNK_BYTES);
      const rest = joined.subarray(CHUNK_BYTES);
      pending = rest.length ? [rest] : [];
      pendingBytes = rest.length;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending);
}

/** Writes the file's bytes as `artifactId`'s pieces (replacing any) in one transaction; returns their count, size and SHA-256. */
export async function writeChunks(sql: Sql, artifactId: string, file: string): Promise<{ chunks: number; size: number; sha256: string }> {
  await sql(`DELETE FROM artifact_chunk WHERE "artifactId" = $1`, [artifactId]);
  const hash = crypto.createHash("sha256");
  let seq = 0;
  let size = 0;
  for await (const bytes of piecesOf(file)) {
    hash.update(bytes);
    size += bytes.length;
    await sql(`INSERT INTO artifact_chunk ("artifactId", seq, data) VALUES ($1, $2, $3)`, [artifactId, seq++, bytes]);
  }
  return { chunks: seq, size, sha256: hash.digest("hex") };
}

/** Connections that write one archive's pieces at once (each its own range, in its own transaction). */
const WRITERS = 3;

/**
 * Stores a signed archive's bytes, committed before its row is (the sweep removes pieces no row
 * names; the caller deletes them if the row does not commit). On a PostgreSQL server WRITERS
 * connections each write a contiguous range of the pieces in a transaction of their own, so the
 * database's write and WAL flush overlap with reading the next range; the embedded database has one
 * connection and takes them in order.
 */
export async function storeArtifactBytes(artifactId: string, file: string): Promise<void> {
  const d = await driver();
  if (d.kind === "pglite") {
    await inDriverTransaction((sql) => writeChunks(sql, artifactId, file));
    return;
  }
  await deleteArtifactBytes(artifactId);
  const count = Math.ceil((await fs.promises.stat(file)).size / CHUNK_BYTES);
  const per = Math.max(1, Math.ceil(count / WRITERS));
  const ranges = Array.from({ length: Math.ceil(count / per) }, (_, w) => ({ first: w * per, pieces: Math.min(per, count - w * per) }));
  const results = await Promise.allSettled(
    ranges.map(async ({ first, pieces }) => {
      const conn = await d.pool.connect();
      try {
        await conn.query("BEGIN");
        let seq = first;
        for await (const bytes of piecesOf(file, first * CHUNK_BYTES, pieces)) {
          await conn.query(`INSERT INTO artifact_chunk ("artifactId", seq, data) VALUES ($1, $2, $3)`, [artifactId, seq++, bytes]);
        }
        await conn.query("COMMIT");
      } catch (err) {
        await conn.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        conn.release();
      }
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await deleteArtifactBytes(artifactId).catch(() => {});
    throw failed.reason;
  }
}

export async function deleteArtifactBytes(artifactId: string): Promise<void> {
  await driverQuery(`DELETE FROM artifact_chunk WHERE "artifactId" = $1`, [artifactId]);
}

// Binary COPY (PostgreSQL docs, "COPY", Binary Format): signature, flags, header extension, then per
// row a field count and each field's length and bytes; -1 as the field count ends the data.
const COPY_SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

function firstFieldOfBinaryCopy(data: Buffer): Buffer | undefined {
  if (data.length < 19 || !data.subarray(0, 11).equals(COPY_SIGNATURE)) throw new Error("not a binary COPY stream");
  let at = 15 + 4 + data.readUInt32BE(15);
  const fields = data.readInt16BE(at);
  if (fields === -1) return undefined;
  at += 2;
  const length = data.readInt32BE(at);
  if (length < 0) return undefined;
  return data.subarray(at + 4, at + 4 + length);
}

type CopyConnection = { query(text: string): void };

/** Runs `COPY (…) TO STDOUT` on a pooled connection and collects what it sends (node-postgres "submittable"). */
async function copyOut(pool: Pool, sql: string): Promise<Buffer> {
  const conn = await pool.connect();
  let broken = false;
  try {
    const parts = await new Promise<Buffer[]>((resolve, reject) => {
      const parts: Buffer[] = [];
      let failed: Error | undefined;
      const submittable = {
        submit: (connection: CopyConnection) => connection.query(sql),
        handleCopyData: (msg: { chunk: Buffer }) => parts.push(msg.chunk),
        handleError: (err: Error) => {
          failed = err;
          // A lost connection sends no ReadyForQuery.
          if (!(err as { code?: string }).code) {
            broken = true;
            reject(err);
          }
        },
        handleReadyForQuery: () => (failed ? reject(failed) : resolve(parts)),
        handleCommandComplete: () => {},
        handleEmptyQuery: () => {},
        handleRowDescription: () => {},
        handleDataRow: () => {},
        handlePortalSuspended: () => {},
        handleCopyInResponse: () => {},
      };
      conn.query(submittable as never);
    });
    return Buffer.concat(parts);
  } finally {
    conn.release(broken || undefined);
  }
}

/** One piece of an artifact, or undefined when there is none. */
export async function readPiece(artifactId: string, seq: number): Promise<Buffer | undefined> {
  const d = await driver();
  if (d.kind === "pg") {
    // COPY takes no parameters: both values are checked to be what they must be before they are spliced in.
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(artifactId) || !Number.isSafeInteger(seq) || seq < 0) throw new Error("invalid artifact piece");
    return firstFieldOfBinaryCopy(await copyOut(d.pool, `COPY (SELECT data FROM artifact_chunk WHERE "artifactId" = '${artifactId}' AND seq = ${seq}) TO STDOUT WITH (FORMAT binary)`));
  }
  const [row] = await driverQuery<{ data: unknown }>(`SELECT data FROM artifact_chunk WHERE "artifactId" = $1 AND seq = $2`, [artifactId, seq]);
  return row ? asBuffer(row.data) : undefined;
}

const missing = (artifactId: string, seq: number, count: number) => new Error(`artifact ${artifactId}: piece ${seq} of ${count} is missing`);

/**
 * The stored bytes as a Node stream that fetches the next piece only when the consumer wants it.
 * A piece that is missing (never for a committed row) ends the stream with an error, not short data.
 */
export function readArtifactBytes(artifactId: string, size: number): Readable {
  const count = Math.ceil(size / CHUNK_BYTES);
  async function* pieces() {
    for (let seq = 0; seq < count; seq++) {
      const piece = await readPiece(artifactId, seq);
      if (!piece) throw missing(artifactId, seq, count);
      yield piece;
    }
  }
  return Readable.from(pieces(), { objectMode: false, highWaterMark: CHUNK_BYTES });
}

/** Pieces a download reads ahead of the one being sent, on as many connections at once. */
const READ_AHEAD = 2;

/**
 * The same as a web stream for a download: pulled piece by piece, with up to READ_AHEAD further
 * pieces being read meanwhile, so about READ_AHEAD + 2 pieces are in memory whatever the client's
 * speed. A client that goes away cancels the stream; reads in flight finish and are dropped.
 */
export function artifactByteStream(artifactId: string, size: number): ReadableStream<Uint8Array> {
  const count = Math.ceil(size / CHUNK_BYTES);
  const ahead: Promise<Buffer | undefined>[] = [];
  let next = 0;
  let sent = 0;
  const fill = () => {
    while (next < count && ahead.length <= READ_AHEAD) {
      const p = readPiece(artifactId, next++);
      p.catch(() => {});
      ahead.push(p);
    }
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (sent >= count) return controller.close();
        fill();
        const piece = await ahead.shift()!;
        if (!piece) return controller.error(missing(artifactId, sent, count));
        sent += 1;
        fill();
        controller.enqueue(piece);
        if (sent >= count) controller.close();
      },
      cancel() {
        next = count;
        ahead.length = 0;
      },
    },
    { highWaterMark: 1 },
  );
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
