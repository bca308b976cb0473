// The one place that tells "the database cannot be reached right now" from every other failure.
// A PostgreSQL server that stops, restarts or refuses connections surfaces in several shapes: a
// Prisma error carrying the driver adapter's error, a bare `pg` error with a SQLSTATE, a socket
// error (ECONNREFUSED…, possibly inside an AggregateError), or a message from pg's pool. Only
// those count; a bad query, a constraint, a wrong password or a missing database stay what they are
// (a misconfiguration is not an outage). Embedded PGlite lives in-process and cannot go away: its
// errors carry ordinary SQLSTATEs and are never classified as unavailable.
import { AppError } from "../errors";
import { markDatabaseUnavailable } from "../http/response-marks";
import { DATABASE_UNAVAILABLE_DIGEST } from "./unavailable-digest";

/** What a client is told to wait before trying again (seconds). The pool reconnects by itself. */
export const DATABASE_RETRY_AFTER_S = 5;


// SQLSTATE class 08 (connection exception), admin_shutdown, crash_shutdown, cannot_connect_now
// (starting up or shutting down), too_many_connections.
const SQLSTATES = /^(08[0-9A-Z]{3}|57P01|57P02|57P03|53300)$/;
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED", "EHOSTDOWN"]);
// @prisma/adapter-pg's error kinds (DriverAdapterError.cause.kind) for the same conditions.
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
// Prisma's own: can't reach, timed out, operations timed out, server closed the connection, pool timeout.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
// pg and pg-pool throw these as plain Errors without a code.
const PG_MESSAGES = [
  /^Connection terminated( unexpectedly| due to connection timeout)?$/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Query read timeout$/,
];

type Inspectable = {
  code?: unknown;
  kind?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  meta?: { driverAdapterError?: unknown };
  originalCode?: unknown;
  digest?: unknown;
};

function matchesOne(e: Inspectable): boolean {
  if (e instanceof AppError) return e.code === "database_unavailable";
  if (e.digest === DATABASE_UNAVAILABLE_DIGEST) return true;
  const code = typeof e.code === "string" ? e.code : undefined;
  if (code && (SQLSTATES.test(code) || SOCKET_CODES.has(code) || PRISMA_CODES.has(code))) return true;
  if (typeof e.originalCode === "string" && SQLSTATES.test(e.originalCode)) return true;
  if (typeof e.kind === "string" && ADAPTER_KINDS.has(e.kind)) return true;
  if (e.kind === "postgres" && typeof code === "string" && SQLSTATES.test(code)) return true;
  return typeof e.message === "string" && e.code === undefined && PG_MESSAGES.some((re) => re.test(e.message as string));
}

/** Whether `err` (or anything it wraps) says the database server is out of reach. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0 && seen.size < 32) {
    const e = queue.shift();
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const x = e as Inspectable;
    // Prisma's P2010 ("raw query failed") is whatever its driver error (meta) says, so both are looked into.
    if (matchesOne(x)) return true;
    queue.push(x.cause, x.meta?.driverAdapterError);
    if (Array.isArray(x.errors)) queue.push(...x.errors);
  }
  return false;
}

export class DatabaseUnavailableError extends AppError {
  readonly digest = DATABASE_UNAVAILABLE_DIGEST;
  constructor() {
    super("database_unavailable", "The database is unavailable; try again shortly", { retryAfter: DATABASE_RETRY_AFTER_S });
  }
}

// One line a minute while it lasts: an outage under traffic would otherwise log every request.
const QUIET_MS = 60_000;
let lastLogged = 0;

/**
 * The error to answer with, logging the cause (message only) at most once a minute. The request in
 * progress, if a page, is then answered 503 (lib/server/http/response-marks.ts).
 */
export function databaseUnavailable(cause?: unknown): DatabaseUnavailableError {
  markDatabaseUnavailable(DATABASE_RETRY_AFTER_S);
  const now = Date.now();
  if (cause !== undefined && !(cause instanceof DatabaseUnavailableError) && now - lastLogged >= QUIET_MS) {
    lastLogged = now;
    const message = cause instanceof Error ? cause.message.trim().split("\n").at(-1) : String(cause);
    console.error("[signet] database unavailable:", message);
  }
  return cause instanceof DatabaseUnavailableError ? cause : new DatabaseUnavailableError();
}

/** For `.catch()` where a failure used to mean "nobody": an outage still throws (as DatabaseUnavailableError). */
export function nullUnlessUnavailable(err: unknown): null {
  if (isDatabaseUnavailable(err)) throw databaseUnavailable(err);
  return null;
}

/** For `.catch()`: an outage rethrown as DatabaseUnavailableError (which pages show as such), anything else as it was. */
export function rethrowIfUnavailable(err: unknown): never {
  throw isDatabaseUnavailable(err) ? databaseUnavailable(err) : err;
}
