// The one Prisma client: embedded PGlite under the data dir, or the PostgreSQL server at DATABASE_URL.
// Created once per process (kept on globalThis so Next's dev reloads do not open PGlite twice).
import { PrismaClient } from "./generated/prisma/client";
import { createAdapter } from "./db-adapter";
import { applyMigrations } from "./server/db/migrate";

function makeClient(adapter: Awaited<ReturnType<typeof createAdapter>>) {
  // Key material is never selected unless a query asks for it by name (only lib/server/keys does);
  // nor are CRL bytes, which can run to tens of megabytes (lib/server/revocation/crl-store reads them).
  return new PrismaClient({ adapter, omit: { managedKey: { encryptedPrivateKey: true }, crl: { der: true } } });
}

export type Db = ReturnType<typeof makeClient>;
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

type Holder = { ready?: Promise<Db> };
const holder = ((globalThis as { __signetDb?: Holder }).__signetDb ??= {});

async function open(): Promise<Db> {
  const adapter = await createAdapter();
  const client = makeClient(adapter);
  await applyMigrations(client);
  return client;
}

/** The database, migrated. */
export function db(): Promise<Db> {
  holder.ready ??= open().catch((err) => {
    holder.ready = undefined;
    throw err;
  });
  return holder.ready;
}

export async function closeDb(): Promise<void> {
  const ready = holder.ready;
  holder.ready = undefined;
  if (ready) await (await ready).$disconnect();
}
