import { env } from "../lib/env";
import { readLiveServerLock } from "../lib/server/startup/server-lock";
import { CliError } from "./io";

/** The embedded database admits one process: refuse to open it under a running server. */
export function assertDatabaseAvailable(): void {
  if (env().databaseUrl) return;
  const server = readLiveServerLock();
  if (server) {
    throw new CliError(
      `The Signet server (pid ${server.pid}, ${server.url}) holds the embedded database in ${env().dataDir}. ` +
        "Use the console or the API, stop the server first, or run Signet on a PostgreSQL server (DATABASE_URL).",
    );
  }
}
