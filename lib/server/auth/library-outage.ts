// better-auth catches some database errors itself: verifying an API token answers "invalid key"
// (valid: false) whatever went wrong, and a session lookup or sign-in may answer a bare 500. Either
// would tell a CI pipeline its token is revoked, or a person that they are signed out. The library
// logs the error first, through the logger Signet gives it (./auth.ts): so each call into it runs in
// a store that hears of any database outage logged meanwhile, and the call then counts as "could
// not check" (DatabaseUnavailableError, 503) rather than as its answer.
import { AsyncLocalStorage } from "node:async_hooks";
import { databaseUnavailable, isDatabaseUnavailable } from "../db/unavailable";

type Heard = { outage?: unknown };
// One per process: Next bundles route handlers apart, while the library instance is shared.
const calls: AsyncLocalStorage<Heard> = ((globalThis as { __signetAuthCalls?: AsyncLocalStorage<Heard> }).__signetAuthCalls ??= new AsyncLocalStorage<Heard>());

/** The library's logger: an outage is noted for the call in progress and logged once a minute, never as a stack per request. */
export function logLibraryMessage(level: "debug" | "info" | "warn" | "error", message: string, ...args: unknown[]): void {
  const outage = args.find(isDatabaseUnavailable);
  if (outage !== undefined) {
    const heard = calls.getStore();
    if (heard) heard.outage = outage;
    databaseUnavailable(outage);
    return;
  }
  const line = `[Better Auth]: ${message}`;
  if (level === "error") console.error(line, ...args);
  else if (level === "warn") console.warn(line, ...args);
  else console.log(line, ...args);
}

/** Runs one call into the library; throws DatabaseUnavailableError if it met an outage, whatever it answered. */
export async function checkedByLibrary<T>(call: () => Promise<T>): Promise<T> {
  const heard: Heard = {};
  let result: T;
  try {
    result = await calls.run(heard, call);
  } catch (err) {
    if (heard.outage !== undefined || isDatabaseUnavailable(err)) throw databaseUnavailable(heard.outage ?? err);
    throw err;
  }
  if (heard.outage !== undefined) throw databaseUnavailable(heard.outage);
  return result;
}
