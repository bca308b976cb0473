// The one-time setup token that guards /setup while no operator exists. Only its hash is stored
// (any instance can check it); the token itself is printed on the server console and written to
// the data dir (mode 0600) so `signet init` on the same machine can use a running server.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { db } from "../../db";
import { env } from "../../env";
import { ANONYMOUS } from "../auth/principal";
import { markAudited, recordDenial } from "../audit/record-denial";
import { AppError } from "../errors";

const SETTING = "setupTokenHash";

const hash = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

export function setupTokenPath(): string {
  return path.join(env().dataDir, "setup-token");
}

/** Issues a fresh token (replacing any earlier one) and returns it for printing. */
export async function issueSetupToken(): Promise<string> {
  const token = crypto.randomBytes(24).toString("base64url");
  const client = await db();
  await client.setting.upsert({
    where: { key: SETTING },
    create: { key: SETTING, value: hash(token) },
    update: { value: hash(token) },
  });
  fs.mkdirSync(env().dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(setupTokenPath(), token + "\n", { mode: 0o600 });
  return token;
}

export async function checkSetupToken(token: string): Promise<void> {
  const client = await db();
  const row = await client.setting.findUnique({ where: { key: SETTING } });
  const expected = typeof row?.value === "string" ? Buffer.from(row.value, "hex") : undefined;
  const given = Buffer.from(hash(token), "hex");
  if (!expected || expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) {
    // Never the token given (a near-miss of the real one would leak into the log).
    await recordDenial({ actor: ANONYMOUS, action: "setup.token_rejected", subjectType: "setup", outcome: "denied", details: { setupPending: Boolean(expected) } });
    throw markAudited(new AppError("forbidden", "The setup token is not valid. Use the one printed on the server console."));
  }
}

export async function clearSetupToken(): Promise<void> {
  const client = await db();
  await client.setting.deleteMany({ where: { key: SETTING } });
  fs.rmSync(setupTokenPath(), { force: true });
}
