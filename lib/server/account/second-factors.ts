// A person's own second factors: what is enrolled, and removal of their own passkeys. Enrolment
// itself is better-auth's ceremony (allow-listed in ../auth/auth-routes.ts); removal is here because
// the library's /passkey/delete-passkey deletes any id, whoever owns it.
import { db } from "../../db";
import { appendAuditEvent } from "../audit/append-audit-event";
import { requireUser, type Principal } from "../auth/principal";
import { secondFactorApplies } from "../auth/require-second-factor";
import { AppError } from "../errors";
import { readStorePolicy } from "../settings/store-policy";

export type SecondFactorsJson = {
  totpEnabled: boolean;
  passkeys: { id: string; name: string | null; createdAt: string | null; deviceType: string; backedUp: boolean }[];
  /** Whether the session (or token) asking was created with a second factor. */
  sessionHasSecondFactor: boolean;
  /** Whether store policy requires a second factor of this person before decisions and key use. */
  requiredByPolicy: boolean;
};

export async function getSecondFactors(actor: Principal): Promise<SecondFactorsJson> {
  const user = requireUser(actor);
  const client = await db();
  const [row, passkeys, policy] = await Promise.all([
    client.user.findUniqueOrThrow({ where: { id: user.userId }, select: { twoFactorEnabled: true } }),
    client.passkey.findMany({ where: { userId: user.userId }, orderBy: { createdAt: "asc" }, select: { id: true, name: true, createdAt: true, deviceType: true, backedUp: true } }),
    readStorePolicy(client),
  ]);
  return {
    totpEnabled: row.twoFactorEnabled === true,
    passkeys: passkeys.map((p) => ({ ...p, createdAt: p.createdAt?.toISOString() ?? null })),
    sessionHasSecondFactor: user.secondFactor === true,
    requiredByPolicy: secondFactorApplies(policy.requireSecondFactor, user),
  };
}

export async function removeOwnPasskey(actor: Principal, passkeyId: string): Promise<void> {
  const user = requireUser(actor);
  const client = await db();
  await client.$transaction(async (tx) => {
    const own = await tx.passkey.findFirst({ where: { id: passkeyId, userId: user.userId }, select: { id: true } });
    if (!own) throw new AppError("not_found", "Passkey not found");
    if (user.via !== "session") throw new AppError("forbidden", "Passkeys are removed from a signed-in session, not with an API token");
    const removed = await tx.passkey.deleteMany({ where: { id: passkeyId, userId: user.userId } });
    if (removed.count === 0) throw new AppError("not_found", "Passkey not found");
    await appendAuditEvent(tx, { actor, action: "auth.passkey_removed", subjectType: "user", subjectId: user.userId, details: { passkeyId } });
  });
}
