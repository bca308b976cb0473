// Runs once when a server instance starts: migrate, announce the setup token, start background work.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { onServerStart } = await import("./lib/server/startup/on-server-start");
  await onServerStart();
}

// A page or route that failed because the database is unavailable is answered 503, not 500
// (lib/server/http/response-marks.ts), and logged once a minute rather than as a stack per request.
export async function onRequestError(err: unknown): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { databaseUnavailable, isDatabaseUnavailable } = await import("./lib/server/db/unavailable");
  if (isDatabaseUnavailable(err)) databaseUnavailable(err);
}
