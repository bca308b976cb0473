// A person's own API tokens (better-auth api-key rows, `referenceId` = user id). Only the first
// characters are shown: the key itself is stored hashed and was shown once, at creation.
import { db } from "../../db";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { Principal } from "../auth/principal";
import { requireUser } from "../auth/principal";
import { AppError } from "../errors";

export type ApiTokenJson = { id: string; name: string; start: string | null; createdAt: string; expiresAt: string | null; lastUsedAt: string | null; expired: boolean };

export async function listApiTokens(actor: Principal, now = new Date()): Promise<ApiTokenJson[]> {
  const user = requireUser(actor);
  const rows = await (await db()).apikey.findMany({
    where: { referenceId: user.userId, enabled: { not: false } },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, start: true, prefix: true, createdAt: true, expiresAt: true, lastRequest: true },
  });
  return rows.map((t) => ({
    id: t.id,
    name: t.name ?? "(unnamed)",
    // better-auth's `start` already begins with the prefix when it stores one.
    start: t.start ? (t.prefix && !t.start.startsWith(t.prefix) ? `${t.prefix}${t.start}` : t.start) : null,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastRequest?.toISOString() ?? null,
    expired: Boolean(t.expiresAt && t.expiresAt.getTime() <= now.getTime()),
  }));
}

/** Deleting the row revokes at once: every bearer call looks the hashed key up. Others' tokens are 404. */
export async function revokeApiToken(actor: Principal, tokenId: string): Promise<void> {
  const user = requireUser(actor);
  const client = await db();
  await client.$transaction(async (tx) => {
    const row = await tx.apikey.findFirst({ where: { id: tokenId, referenceId: user.userId }, select: { id: true, name: true, start: true } });
    if (!row) throw new AppError("not_found", "API token not found");
    await tx.apikey.delete({ where: { id: row.id } });
    await appendAuditEvent(tx, { actor, action: "token.revoked", subjectType: "token", subjectId: row.id, details: { name: row.name, start: row.start } });
  });
}
