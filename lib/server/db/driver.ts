// The database driver under Prisma (lib/db-adapter.ts): the `pg` pool of a PostgreSQL server or the
// embedded PGlite instance. Used where the ORM is the wrong tool: artifact bytes streamed in chunks
// (lib/server/artifacts/artifact-bytes.ts) and LISTEN/NOTIFY (lib/server/db/notify.ts). Held on
// globalThis like the Prisma client, since Next bundles instrumentation and routes apart.
import type { PGlite } from "@electric-sql/pglite";
import type { Pool } from "pg";
import { db } from "../../db";

export type Driver = { kind: "pg"; pool: Pool; url: string } | { kind: "pglite"; client: PGlite };

type Holder = { driver?: Driver };
const holder = ((globalThis as { __signetDriver?: Holder }).__signetDriver ??= {});

export function setDriver(driver: Driver): void {
  holder.driver = driver;
}

/** The driver of the app's database (opened and migrated first). */
export async function driver(): Promise<Driver> {
  await db();
  if (!holder.driver) throw new Error("the database driver is not available");
  return holder.driver;
}

export type Sql = <T = Record<string, unknown>>(text: string, values?: unknown[]) => Promise<T[]>;

/** Runs `fn` in one transaction on one connection of the driver. */
export async function inDriverTransaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
  const d = await driver();
  if (d.kind === "pglite") {
    return d.client.transaction(async (tx) => fn(async <R,>(text: string, values?: unknown[]) => (await tx.query<R>(text, values)).rows));
  }
  const conn = await d.pool.connect();
  try {
    await conn.query("BEGIN");
    const out = await fn(async <R,>(text: string, values?: unknown[]) => (await conn.query(text, values)).rows as R[]);
    await conn.query("COMMIT");
    return out;
  } catch (err) {
    await conn.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    conn.release();
  }
}

/** One statement on any connection of the driver. */
export const driverQuery: Sql = async <T,>(text: string, values?: unknown[]) => {
  const d = await driver();
  if (d.kind === "pglite") return (await d.client.query<T>(text, values)).rows;
  return (await d.pool.query(text, values)).rows as T[];
};
