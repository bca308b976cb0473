import { parseArgs } from "node:util";
import { assertDatabaseAvailable } from "../db-guard";
import { CliError, printJson } from "../io";

export const usage = "signet audit verify [--json]";

export async function auditCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "verify") throw new CliError(`usage: ${usage}`, 2);
  const { values } = parseArgs({ args: rest, options: { json: { type: "boolean", default: false } }, strict: true });
  assertDatabaseAvailable();
  const { db } = await import("../../lib/db");
  const { verifyAuditChain } = await import("../../lib/server/audit/verify-audit-chain");
  const report = await verifyAuditChain(await db());
  if (values.json) printJson(report);
  else if (report.valid) process.stdout.write(`Audit chain intact: ${report.events} events verified.\n`);
  else process.stdout.write(`Audit chain BROKEN at event ${report.brokenAt}: ${report.problem} (${report.events} events verified before it).\n`);
  return report.valid ? 0 : 1;
}
