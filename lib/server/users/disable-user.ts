// An operator disables an account: from the commit on, its sessions and API tokens are refused.
import { z } from "zod";
import { db } from "../../db";
import { appendAuditEvent } from "../audit/append-audit-event";
import { OPERATOR_ROLE } from "../auth/auth";
import type { Principal } from "../auth/principal";
import { requireOperatorFor } from "../auth/require-operator";
import { AppError } from "../errors";

export const disableUserInput = z.object({ reason: z.string().trim().min(3, "Say why the account is disabled").max(500) }).strict();

// Serializes disables, so two operators disabling each other cannot leave the store with none.
const OPERATOR_SET_LOCK = 72_707_021;

export async function disableUser(actor: Principal, userId: string, raw: z.input<typeof disableUserInput>) {
  const operator = requireOperatorFor(actor, "disable accounts");
  const { reason } = disableUserInput.parse(raw);
  const client = await db();
  return client.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${OPERATOR_SET_LOCK})`);
    // The caller was resolved before the lock: an operator disabled meanwhile (by the disable that
    // held the lock) acts no more.
    const self = await tx.user.findUnique({ where: { id: operator.userId }, select: { role: true, banned: true } });
    if (!self || self.banned || self.role !== OPERATOR_ROLE) throw new AppError("unauthenticated", "Your account was disabled");
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true, role: true, banned: true } });
    if (!user) throw new AppError("not_found", "User not found");
    if (user.banned) throw new AppError("conflict", "The account is already disabled");
    if (user.role === OPERATOR_ROLE) {
      const others = await tx.user.count({ where: { role: OPERATOR_ROLE, id: { not: user.id }, OR: [{ banned: false }, { banned: null }] } });
      if (others === 0) throw new AppError("conflict", "The last operator cannot be disabled: invite another operator first");
    }
    // The admin plugin's own columns (its sign-in refuses a banned user), written here rather than
    // through auth.api.banUser: that call wants an operator's session headers (an operator's API
    // token has none) and commits on its own, apart from the audit event and the token revocation.
    await tx.user.update({ where: { id: user.id }, data: { banned: true, banReason: reason, banExpires: null } });
    const sessions = await tx.session.deleteMany({ where: { userId: user.id } });
    // verifyApiKey refuses a disabled key; principalForUser also answers anonymous for a banned user.
    const tokens = await tx.apikey.updateMany({ where: { referenceId: user.id, enabled: { not: false } }, data: { enabled: false } });
    await appendAuditEvent(tx, {
      actor,
      action: "user.disabled",
      subjectType: "user",
      subjectId: user.id,
      details: { email: user.email, operator: user.role === OPERATOR_ROLE, reason, sessionsEnded: sessions.count, tokensDisabled: tokens.count },
    });
    return { id: user.id, email: user.email, disabled: true, sessionsEnded: sessions.count, tokensDisabled: tokens.count };
  });
}
