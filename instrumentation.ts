// Runs once when a server instance starts: migrate, announce the setup token, start background work.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { onServerStart } = await import("./lib/server/startup/on-server-start");
  await onServerStart();
}
