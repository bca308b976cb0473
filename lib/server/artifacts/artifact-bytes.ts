// A signed archive's bytes in PostgreSQL, the one state every instance shares. Rows of artifact_chunk
// hold ROW_BYTES each, stored in the table's own pages (PLAIN: one row per 8 KiB page, no TOAST
// lookups, no compression attempt on bytes that are compressed already); they are written and read
// a piece (ROWS_PER_PIECE rows, ~1 MB) per statement through the driver (lib/server/db/driver.ts),
// so neither direction ever holds the archive whole in memory. On a PostgreSQL server pieces travel
// by binary COPY in both directions: a bytea query result would come as hex text (twice the bytes,
// encoded by the server and decoded here). Embedded PGlite takes plain statements and hands bytea
// over as bytes.
import crypto from "node:crypto";
import fs from "node:fs";
import { Readable } from "node:stream";
import type { Pool } from "pg";
import { driver, driverQuery, inDriverTransaction, type Sql } from "../db/driver";

/** Bytes per row: with its header a row fills one 8 KiB page. */
export const ROW_BYTES = 8000;
export const ROWS_PER_PIECE = 128;
/** Bytes per piece, the unit of reading and writing. */
export const CHUNK_BYTES = ROW_BYTES * ROWS_PER_PIECE;

// Binary COPY (PostgreSQL docs, "COPY", Binary Format): signature, flags, header extension, then per
// row a field count and each field's length and bytes; -1 as the field count ends the data.
const COPY_SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const COPY_TRAILER = Buffer.from([0xff, 0xff]);

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

/** One piece as its rows, split by the database (the statement the embedded database and the start-up move use). */
const INSERT_PIECE = `INSERT INTO artifact_chunk ("artifactId", seq, data)
  SELECT $1, $2::int * ${ROWS_PER_PIECE} + g, substring($3::bytea FROM g * ${ROW_BYTES} + 1 FOR ${ROW_BYTES})
    FROM generate_series(0, (length($3::bytea) - 1) / ${ROW_BYTES}) AS g`;

/** Writes the file's bytes as `artifactId`'s pieces (replacing any) in one transaction; returns their count, size and SHA-256. */
export async function writeChunks(sql: Sql, artifactId: string, file: string): Promise<{ chunks: number; size: number; sha256: string }> {
  await sql(`DELETE FROM artifact_chunk WHERE "artifactId" = $1`, [artifactId]);
  const hash = crypto.createHash("sha256");
  let seq = 0;
  let size = 0;
  for await (const bytes of piecesOf(file)) {
    hash.update(bytes);
    size += bytes.length;
    await sql(INSERT_PIECE, [artifactId, seq++, bytes]);
  }
  return { chunks: seq, size, sha256: hash.digest("hex") };
}

const COPY_IN = `COPY artifact_chunk ("artifactId", seq, data) FROM STDIN WITH (FORMAT binary)`;

/** A piece as the rows of a binary COPY: (artifactId text, seq int4, data bytea) per ROW_BYTES. */
function binaryCopyRows(artifactId: string, piece: number, bytes: Buffer): Buffer {
  const id = Buffer.from(artifactId, "utf8");
  const parts: Buffer[] = [COPY_SIGNATURE, Buffer.alloc(8)];
  for (let row = 0, at = 0; at < bytes.length; row++, at += ROW_BYTES) {
    const data = bytes.subarray(at, at + ROW_BYTES);
    const head = Buffer.allocUnsafe(2 + 4 + id.length + 4 + 4 + 4);
    let o = head.writeInt16BE(3, 0);
    o = head.writeInt32BE(id.length, o);
    o += id.copy(head, o);
    o = head.writeInt32BE(4, o);
    o = head.writeInt32BE(piece * ROWS_PER_PIECE + row, o);
    head.writeInt32BE(data.length, o);
    parts.push(head, data);
  }
  parts.push(COPY_TRAILER);
  return Buffer.concat(parts);
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
        let piece = first;
        for await (const bytes of piecesOf(file, first * CHUNK_BYTES, pieces)) await copyIn(conn, COPY_IN, binaryCopyRows(artifactId, piece++, bytes));
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

/** The single field of every row of a binary COPY, concatenated. */
function concatFieldsOfBinaryCopy(data: Buffer): Buffer {
  if (data.length < 19 || !data.subarray(0, 11).equals(COPY_SIGNATURE)) throw new Error("not a binary COPY stream");
  let at = 15 + 4 + data.readUInt32BE(15);
  const fields: Buffer[] = [];
  for (;;) {
    const count = data.readInt16BE(at);
    at += 2;
    if (count === -1) break;
    if (count !== 1) throw new Error(`a binary COPY row of ${count} fields`);
    const length = data.readInt32BE(at);
    at += 4;
    if (length < 0) throw new Error("a NULL artifact piece");
    fields.push(data.subarray(at, at + length));
    at += length;
  }
  return fields.length === 1 ? fields[0] : Buffer.concat(fields);
}

type CopyConnection = { query(text: string): void; sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void };

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
        // Copied: the chunk is a view of the driver's read buffer, which the next socket read reuses.
        handleCopyData: (msg: { chunk: Buffer }) => parts.push(Buffer.from(msg.chunk)),
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

/** Runs `COPY … FROM STDIN` on `conn`, sending `data` (node-postgres "submittable"). */
function copyIn(conn: import("pg").PoolClient, sql: string, data: Buffer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failed: Error | undefined;
    const submittable = {
      submit: (connection: CopyConnection) => connection.query(sql),
      handleCopyInResponse: (connection: CopyConnection) => {
        connection.sendCopyFromChunk(data);
        connection.endCopyFrom();
      },
      handleError: (err: Error) => {
        failed = err;
        if (!(err as { code?: string }).code) reject(err);
      },
      handleReadyForQuery: () => (failed ? reject(failed) : resolve()),
      handleCommandComplete: () => {},
      handleEmptyQuery: () => {},
      handleRowDescription: () => {},
      handleDataRow: () => {},
      handlePortalSuspended: () => {},
      handleCopyData: () => {},
    };
    conn.query(submittable as never);
  });
}

/** Piece `piece` of an artifact: its rows, in order (empty when there are none). */
export async function readPiece(artifactId: string, piece: number): Promise<Buffer> {
  const d = await driver();
  const first = piece * ROWS_PER_PIECE;
  const end = first + ROWS_PER_PIECE;
  if (d.kind === "pg") {
    // COPY takes no parameters: every value is checked to be what it must be before it is spliced in.
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(artifactId) || !Number.isSafeInteger(piece) || piece < 0) throw new Error("invalid artifact piece");
    return concatFieldsOfBinaryCopy(
      await copyOut(d.pool, `COPY (SELECT data FROM artifact_chunk WHERE "artifactId" = '${artifactId}' AND seq >= ${first} AND seq < ${end} ORDER BY seq) TO STDOUT WITH (FORMAT binary)`),
    );
  }
  const rows = await driverQuery<{ data: unknown }>(`SELECT data FROM artifact_chunk WHERE "artifactId" = $1 AND seq >= $2 AND seq < $3 ORDER BY seq`, [artifactId, first, end]);
  return Buffer.concat(rows.map((r) => asBuffer(r.data)));
}

/** Piece `piece` of an archive of `size` bytes, refused unless it is whole. */
async function wholePiece(artifactId: string, piece: number, size: number): Promise<Buffer> {
  const bytes = await readPiece(artifactId, piece);
  const want = Math.min(CHUNK_BYTES, size - piece * CHUNK_BYTES);
  if (bytes.length !== want) throw new Error(`artifact ${artifactId}: piece ${piece} has ${bytes.length} of its ${want} bytes`);
  return bytes;
}

/**
 * The stored bytes as a Node stream that fetches the next piece only when the consumer wants it.
 * A piece that is missing or short (never for a committed row) ends the stream with an error, not short data.
 */
export function readArtifactBytes(artifactId: string, size: number): Readable {
  const count = Math.ceil(size / CHUNK_BYTES);
  async function* pieces() {
    for (let piece = 0; piece < count; piece++) yield await wholePiece(artifactId, piece, size);
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
  const ahead: Promise<Buffer>[] = [];
  let next = 0;
  let sent = 0;
  const fill = () => {
    while (next < count && ahead.length <= READ_AHEAD) {
      const p = wholePiece(artifactId, next++, size);
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
