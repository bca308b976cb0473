// Driver adapters for Prisma: a PostgreSQL server through `pg`, or embedded PGlite under the data dir.
// Shared by the app (lib/db.ts) and the Prisma CLI (prisma.config.ts).
import path from "node:path";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { env } from "./env";
import { secureDataDir } from "./server/startup/data-dir";

// prisma/orm#27403: the schema engine reads catalog columns of type `name` (OID 19), which
// @prisma/adapter-pg rejects. Report them as `text` (OID 25): same bytes, a type the adapter knows.
const NAME_OID = 19;
const TEXT_OID = 25;

type QueryResultLike = { fields?: { dataTypeID: number }[] };
type Queryable = { query: (...args: unknown[]) => unknown };

function relabelNameColumns(result: unknown): unknown {
  for (const r of Array.isArray(result) ? result : [result]) {
    for (const f of (r as QueryResultLike | undefined)?.fields ?? []) {
      if (f.dataTypeID === NAME_OID) f.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

function patchQuery(target: Queryable): void {
  const marker = target as Queryable & { __signetPatched?: boolean };
  if (marker.__signetPatched) return;
  marker.__signetPatched = true;
  const original = target.query.bind(target);
  target.query = (...args: unknown[]) => {
    const out = original(...args);
    if (out && typeof (out as Promise<unknown>).then === "function") {
      return (out as Promise<unknown>).then(relabelNameColumns);
    }
    return out;
  };
}

export async function createServerAdapter(url: string, max = 10, onPool?: (pool: import("pg").Pool) => void): Promise<SqlMigrationAwareDriverAdapterFactory> {
  const [{ default: pg }, { PrismaPg }] = await Promise.all([import("pg"), import("@prisma/adapter-pg")]);
  // A database host that stops answering (rather than refusing) must not hold requests forever: after
  // 10 s without a connection they fail, and are answered 503 (lib/server/db/unavailable.ts).
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000 });
  onPool?.(pool);
  patchQuery(pool as unknown as Queryable);
  pool.on("connect", (client) => patchQuery(client as unknown as Queryable));
  // $disconnect ends the pool too: otherwise its idle clients hold a CLI process open for seconds.
  return new PrismaPg(pool, { disposeExternalPool: true }) as unknown as SqlMigrationAwareDriverAdapterFactory;
}

export function embeddedDatabaseDir(dataDir: string): string {
  return path.join(dataDir, "pgdata");
}

type ArgType = { scalarType?: string; arity?: string };
type Query = { sql: string; args: unknown[]; argTypes?: ArgType[] };
type Queryable2 = { queryRaw(q: Query): Promise<unknown>; executeRaw(q: Query): Promise<number> };
type AdapterLike = Queryable2 & { startTransaction(...a: unknown[]): Promise<Queryable2> };

// Prisma 6.19's query compiler sends Bytes arguments as base64 strings and leaves decoding to the
// adapter (@prisma/adapter-pg does it); pglite-prisma-adapter 0.6 predates that, so decode here.
function decodeBytesArgs(query: Query): Query {
  const types = query.argTypes;
  if (!types) return query;
  const decode = (value: unknown): unknown =>
    typeof value === "string" ? Buffer.from(value, "base64") : Array.isArray(value) && value.every((n) => typeof n === "number") ? Buffer.from(value as number[]) : value;
  return {
    ...query,
    args: query.args.map((arg, i) => {
      if (types[i]?.scalarType !== "bytes" || arg === null) return arg;
      return types[i]?.arity === "list" && Array.isArray(arg) ? arg.map(decode) : decode(arg);
    }),
  };
}

function withBytesArgs<T extends Queryable2>(q: T): T {
  const queryRaw = q.queryRaw.bind(q);
  const executeRaw = q.executeRaw.bind(q);
  q.queryRaw = (query) => queryRaw(decodeBytesArgs(query));
  q.executeRaw = (query) => executeRaw(decodeBytesArgs(query));
  return q;
}

export async function createEmbeddedAdapter(dataDir: string, onClient?: (client: import("@electric-sql/pglite").PGlite) => void): Promise<SqlMigrationAwareDriverAdapterFactory> {
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("pglite-prisma-adapter"),
  ]);
  secureDataDir(dataDir);
  const client = new PGlite(embeddedDatabaseDir(dataDir));
  await client.waitReady;
  onClient?.(client);
  // After waitReady: a new database has just been unpacked, world-writable (lib/server/startup/data-dir.ts).
  secureDataDir(dataDir);
  const factory = new PrismaPGlite(client) as unknown as SqlMigrationAwareDriverAdapterFactory;
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = withBytesArgs((await connect()) as unknown as AdapterLike);
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (...args: unknown[]) => withBytesArgs(await startTransaction(...args));
    // The adapter's dispose leaves PGlite open, and an open PGlite keeps the event loop alive: without
    // this, a CLI command on the embedded database prints its answer and never exits.
    const withDispose = adapter as unknown as { dispose?: () => Promise<void> };
    const dispose = withDispose.dispose?.bind(adapter);
    withDispose.dispose = async () => {
      await dispose?.();
      if (!client.closed) await client.close();
    };
    return adapter as unknown as Awaited<ReturnType<SqlMigrationAwareDriverAdapterFactory["connect"]>>;
  };
  return factory;
}

/**
 * The app's adapter. The driver underneath (the pg pool or the PGlite instance) is also handed to
 * lib/server/db/driver.ts, for the few jobs that must stream through it rather than through the ORM
 * (artifact chunks) or hold a session of their own (LISTEN).
 */
export async function createAdapter(): Promise<SqlMigrationAwareDriverAdapterFactory> {
  const e = env();
  const { setDriver } = await import("./server/db/driver");
  return e.databaseUrl
    ? createServerAdapter(e.databaseUrl, 10, (pool) => setDriver({ kind: "pg", pool, url: e.databaseUrl! }))
    : createEmbeddedAdapter(e.dataDir, (client) => setDriver({ kind: "pglite", client }));
}

export async function createMigrationAdapter(): Promise<SqlMigrationAwareDriverAdapterFactory> {
  const e = env();
  return e.databaseUrl ? createServerAdapter(e.databaseUrl, 2) : createEmbeddedAdapter(e.dataDir);
}
