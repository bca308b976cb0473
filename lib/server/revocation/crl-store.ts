// CRL bytes in PostgreSQL without pushing tens of megabytes through the query engine per value
// (a million-entry CRL would cost seconds and gigabytes): the database concatenates the listed
// entries once, into a transaction-scoped scratch value; Signet reads it in chunks to sign, and
// the database stores head ‖ that same value ‖ tail, checked against the signed bytes' digest.
import crypto from "node:crypto";
import type { Db, Tx } from "../../db";

const READ_CHUNK = 512 * 1024;
const STORED_READ_CHUNK = 4 * 1024 * 1024;

/**
 * Concatenates the CA's listed entries (those stamped with a CRL number) into `crl_build`, a
 * temporary table dropped at commit, and returns how many and how many bytes. Uncompressed
 * (EXTERNAL) storage lets each chunk read fetch only its own pages.
 */
export async function assembleCrlEntries(tx: Tx, caId: string): Promise<{ count: number; bytes: number }> {
  await tx.$executeRawUnsafe(`CREATE TEMP TABLE crl_build (entries bytea NOT NULL, count int NOT NULL) ON COMMIT DROP`);
  await tx.$executeRawUnsafe(`ALTER TABLE crl_build ALTER COLUMN entries SET STORAGE EXTERNAL`);
  await tx.$executeRawUnsafe(
    `INSERT INTO crl_build SELECT coalesce(string_agg("crlEntry", ''::bytea), ''::bytea), count(*)::int
       FROM revocation WHERE "issuerCaId" = $1 AND "crlNumber" IS NOT NULL`,
    caId,
  );
  const [row] = await tx.$queryRawUnsafe<{ count: number; bytes: number }[]>(`SELECT count, length(entries) AS bytes FROM crl_build`);
  return { count: row.count, bytes: Number(row.bytes) };
}

/**
 * The assembled entries in chunks, as base64 text (PostgreSQL wraps it at 76 columns; Node's
 * decoder skips the line breaks): bytea values through the query engine cost far more per byte.
 */
export async function* assembledEntryChunks(tx: Tx, bytes: number): AsyncGenerator<string> {
  for (let offset = 0; offset < bytes; offset += READ_CHUNK) {
    const [chunk] = await tx.$queryRawUnsafe<{ part: string }[]>(`SELECT encode(substring(entries FROM $1 FOR $2), 'base64') AS part FROM crl_build`, offset + 1, READ_CHUNK);
    yield chunk.part;
  }
}

export type StoredCrl = { caId: string; crlNumber: bigint; thisUpdate: Date; nextUpdate: Date; entries: number; head: Buffer; tail: Buffer; sha256: string };

/** Stores head ‖ assembled entries ‖ tail and proves, by digest, that these are the signed bytes. */
export async function storeCrl(tx: Tx, crl: StoredCrl): Promise<void> {
  const [stored] = await tx.$queryRawUnsafe<{ digest: string }[]>(
    `INSERT INTO crl (id, "caId", "crlNumber", "thisUpdate", "nextUpdate", entries, der)
     SELECT $1, $2, $3, $4, $5, $6, decode($7, 'hex') || entries || decode($8, 'hex') FROM crl_build
     RETURNING encode(sha256(der), 'hex') AS digest`,
    crypto.randomUUID(),
    crl.caId,
    crl.crlNumber,
    crl.thisUpdate,
    crl.nextUpdate,
    crl.entries,
    crl.head.toString("hex"),
    crl.tail.toString("hex"),
  );
  if (stored?.digest !== crl.sha256) throw new Error(`stored CRL ${crl.crlNumber} of ${crl.caId} differs from the signed one`);
}

/** A stored CRL's bytes, read in bounded chunks. */
export async function readCrlDer(client: Db | Tx, caId: string, crlNumber: bigint): Promise<Buffer> {
  const [row] = await client.$queryRawUnsafe<{ size: number }[]>(`SELECT length(der) AS size FROM crl WHERE "caId" = $1 AND "crlNumber" = $2`, caId, crlNumber);
  if (!row) throw new Error(`no CRL ${crlNumber} of ${caId}`);
  const out = Buffer.allocUnsafe(Number(row.size));
  for (let offset = 0; offset < out.length; offset += STORED_READ_CHUNK) {
    const [chunk] = await client.$queryRawUnsafe<{ part: string }[]>(
      `SELECT encode(substring(der FROM $3 FOR $4), 'hex') AS part FROM crl WHERE "caId" = $1 AND "crlNumber" = $2`,
      caId,
      crlNumber,
      offset + 1,
      STORED_READ_CHUNK,
    );
    out.write(chunk.part, offset, "hex");
  }
  return out;
}
