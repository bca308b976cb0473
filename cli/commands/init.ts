import fs from "node:fs";
import { parseArgs } from "node:util";
import { env } from "../../lib/env";
import { AppError } from "../../lib/server/errors";
import { readLiveServerLock } from "../../lib/server/startup/server-lock";
import { setupTokenPath } from "../../lib/server/setup/setup-token";
import { CliError, printJson, readFirstLineFromStdin } from "../io";

export const usage = `signet init --admin-email E [--admin-password-stdin] [--root-cn CN] [--root-algorithm ecdsa-p256|ecdsa-p384|rsa-3072|rsa-4096] [--json]`;

export async function initCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      "admin-email": { type: "string" },
      "admin-password-stdin": { type: "boolean", default: false },
      "root-cn": { type: "string" },
      "root-algorithm": { type: "string" },
      json: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (!values["admin-email"]) throw new CliError(`--admin-email is required\nusage: ${usage}`, 2);
  if (!values["admin-password-stdin"]) throw new CliError("Pass the password on standard input with --admin-password-stdin (never as an argument)", 2);
  const password = (await readFirstLineFromStdin()).replace(/\r$/, "");
  const input = {
    adminEmail: values["admin-email"],
    adminPassword: password,
    rootCommonName: values["root-cn"],
    rootAlgorithm: values["root-algorithm"] as "ecdsa-p256" | undefined,
  };

  const result = await initializeHere(input);
  if (values.json) printJson(result);
  else {
    process.stdout.write(
      `Signet initialized.\n  Root CA id:      ${result.rootCaId}\n  Operator token:  ${result.operatorToken}\n\nThe token is shown once: store it now. Fetch the root with GET /ca/${result.rootCaId}.pem\n`,
    );
  }
  return 0;
}

async function initializeHere(input: { adminEmail: string; adminPassword: string; rootCommonName?: string; rootAlgorithm?: "ecdsa-p256" }) {
  const server = env().databaseUrl ? undefined : readLiveServerLock();
  if (server) {
    // The running server holds the embedded database: go through its setup endpoint with the token it wrote.
    if (!fs.existsSync(setupTokenPath())) throw new CliError("Signet is already initialized: a Root CA exists. Nothing was changed.");
    const setupToken = fs.readFileSync(setupTokenPath(), "utf8").trim();
    const res = await fetch(`${server.url}/api/v1/setup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...input, setupToken }),
    });
    const body = (await res.json().catch(() => ({}))) as { detail?: string; rootCaId?: string; operatorToken?: string };
    if (!res.ok) throw new CliError(body.detail ?? `The server refused the setup (${res.status})`);
    return { rootCaId: body.rootCaId!, operatorToken: body.operatorToken! };
  }
  const { initializeSignet } = await import("../../lib/server/setup/initialize-signet");
  try {
    const r = await initializeSignet(input);
    return { rootCaId: r.rootCaId, operatorToken: r.operatorToken };
  } catch (err) {
    if (err instanceof AppError) throw new CliError(err.message);
    throw err;
  }
}
