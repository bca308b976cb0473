// API tokens are better-auth API keys: only their hash is stored; the token is shown once.
import { z } from "zod";
import { db } from "../../db";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auth } from "../auth/auth";
import type { Principal } from "../auth/principal";
import { AppError } from "../errors";
import { requireSecondFactor } from "../auth/require-second-factor";

// Every token expires: a leaked CI secret stops working on its own. 90 days unless the person
// chooses otherwise, at most a year (better-auth's api-key maximum, configured in ../auth/auth.ts).
export const DEFAULT_TOKEN_DAYS = 90;
export const MAX_TOKEN_DAYS = 365;

export const tokenLifetimeSchema = z.number().int().min(1).max(MAX_TOKEN_DAYS, `A token lives at most ${MAX_TOKEN_DAYS} days`);

export const createTokenInput = z.object({
  name: z.string().trim().min(1).max(64),
  expiresInDays: tokenLifetimeSchema.default(DEFAULT_TOKEN_DAYS),
});

export async function createApiToken(actor: Principal, raw: z.input<typeof createTokenInput>) {
  if (actor.kind !== "user") throw new AppError("unauthenticated", "Sign in to create an API token");
  const input = createTokenInput.parse(raw);
  await requireSecondFactor(await db(), actor, "create API tokens");
  const a = await auth();
  const created = await a.api.createApiKey({
    body: {
      userId: actor.userId,
      name: input.name,
      expiresIn: input.expiresInDays * 86_400,
    },
  });
  const client = await db();
  await client.$transaction(async (tx) => {
    await appendAuditEvent(tx, {
      actor,
      action: "token.created",
      subjectType: "token",
      subjectId: created.id,
      details: { name: input.name, start: created.start ?? null, expiresAt: created.expiresAt ? new Date(created.expiresAt).toISOString() : null },
    });
  });
  return { id: created.id, name: input.name, token: created.key, expiresAt: created.expiresAt ? new Date(created.expiresAt).toISOString() : null };
}
