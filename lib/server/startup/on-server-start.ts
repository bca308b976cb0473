import cluster from "node:cluster";
import type { IncomingMessage, ServerResponse } from "node:http";
import { closeDb, db } from "../../db";
import { env } from "../../env";
import { isInitialized } from "../setup/initialize-signet";
import { issueSetupToken } from "../setup/setup-token";
import { secureDataDir } from "./data-dir";
import { writeServerLock } from "./server-lock";

/**
 * Handlers that scripts/server.mjs serves on node:http ahead of Next's pipeline. They are handed
 * over from here, inside Next's module graph, so they share its caches and database client.
 */
export type NodeHandlers = {
  ocsp: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Closes the database (the embedded one flushes and releases the data dir) before a graceful exit. */
  shutdown: () => Promise<void>;
};

export async function onServerStart(): Promise<void> {
  const e = env();
  // With a PostgreSQL server the data dir still holds uploads in flight and possibly the master key file.
  secureDataDir(e.dataDir);
  await db();
  // A supervised worker's lock is held by the supervisor, whose pid outlives worker restarts.
  if (!e.databaseUrl && !cluster.isWorker) writeServerLock(`http://127.0.0.1:${e.port}`);
  if (!(await isInitialized())) {
    const token = await issueSetupToken();
    const line = "─".repeat(72);
    console.log(
      `\n${line}\n  Signet is not set up yet. Open ${e.publicUrl}/setup and enter this one-time setup token:\n\n      ${token}\n\n  (or run: npx signet init --admin-email you@example.com --admin-password-stdin)\n${line}\n`,
    );
  }
  const { moveArtifactFilesIntoDatabase } = await import("../artifacts/move-artifact-files");
  const moved = await moveArtifactFilesIntoDatabase();
  if (moved.moved.length > 0) console.log(`[signet] moved ${moved.moved.length} signed archive${moved.moved.length > 1 ? "s" : ""} from ${e.dataDir} into the database`);
  for (const f of moved.failed) console.error(`[signet] signed archive ${f.id} stays a file in ${e.dataDir}: ${f.reason}`);
  // CA certificates are then served from memory, through a database outage too (docs/operations.md).
  const { rememberCaCertificates } = await import("../cas/list-cas");
  await rememberCaCertificates();
  const { registerRevocationWork } = await import("../revocation/register-revocation-work");
  const { startBackgroundJobs } = await import("./background-jobs");
  const { registerConsoleWork } = await import("../notifications/register-console-work");
  const { registerArtifactWork } = await import("../artifacts/register-artifact-work");
  const { registerAuditWork } = await import("../audit/register-audit-work");
  registerRevocationWork();
  registerConsoleWork();
  registerArtifactWork();
  registerAuditWork();
  startBackgroundJobs();
  const { listenForOtherWorkersRevocations } = await import("../revocation/ocsp-cache");
  listenForOtherWorkersRevocations();
  const { followChanges } = await import("../revocation/follow-changes");
  await followChanges();
  const { handleOcspNodeRequest } = await import("../revocation/ocsp-node");
  (globalThis as { __signetNodeHandlers?: NodeHandlers }).__signetNodeHandlers = { ocsp: handleOcspNodeRequest, shutdown: async () => {
    const { stopListening } = await import("../db/notify");
    await stopListening();
    await closeDb();
  } };
}
