import { parseArgs } from "node:util";
import { assertDatabaseAvailable } from "../db-guard";
import { CliError, printJson } from "../io";

export const usage = "signet token create --email E --name N [--org SLUG] [--expires-in-days D (1-365, default 90)] [--json]";

export async function tokenCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "create") throw new CliError(`usage: ${usage}`, 2);
  const { values } = parseArgs({ args: rest, options: { email: { type: "string" }, name: { type: "string" }, org: { type: "string" }, "expires-in-days": { type: "string" }, json: { type: "boolean", default: false } }, strict: true });
  if (!values.email || !values.name) throw new CliError(`--email and --name are required\nusage: ${usage}`, 2);
  const days = values["expires-in-days"];
  if (days !== undefined && !/^\d{1,3}$/.test(days)) throw new CliError(`--expires-in-days takes a whole number of days (1-365)\nusage: ${usage}`, 2);
  assertDatabaseAvailable();
  const { db } = await import("../../lib/db");
  const { principalForUser } = await import("../../lib/server/auth/resolve-principal");
  const { createApiToken } = await import("../../lib/server/tokens/create-api-token");
  const client = await db();
  const user = await client.user.findUnique({ where: { email: values.email.trim().toLowerCase() }, select: { id: true } });
  if (!user) throw new CliError(`No user with email ${values.email}`);
  const principal = await principalForUser(client, user.id, "token");
  if (principal.kind !== "user") throw new CliError("That user is disabled");
  if (values.org && !principal.memberships.some((m) => m.slug === values.org)) throw new CliError(`${values.email} is not a member of ${values.org}`);
  const token = await createApiToken(principal, { name: values.org ? `${values.org}: ${values.name}` : values.name, expiresInDays: days === undefined ? undefined : Number(days) });
  if (values.json) printJson({ id: token.id, token: token.token, expiresAt: token.expiresAt });
  else {
    process.stdout.write(`${token.token}\n`);
    process.stderr.write(`Expires ${token.expiresAt ?? "never"}.\n`);
  }
  return 0;
}
