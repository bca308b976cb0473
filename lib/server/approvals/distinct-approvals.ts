// Approvals by more than one person, for whatever store policy says needs N distinct operators (an
// org CA request, an org CA revocation): each operator's approval counts once, and an operator
// disabled since approving (a compromised account, say) no longer counts.
import type { Db, Tx } from "../../db";
import { requireUser, type Principal } from "../auth/principal";
import { AppError } from "../errors";

export type ApprovalsJson = { have: number; need: number; by: { email: string; at: string }[] };
export type ApprovalSubject = { requestId: string } | { revocationId: string };

/**
 * Records `actor`'s approval of `subject` and answers who approved so far. The caller holds the
 * subject's row lock, so this read and the insert cannot race another approval of it; the unique
 * (subject, user) indexes are the backstop.
 */
export async function recordDistinctApproval(tx: Tx, actor: Principal, subject: ApprovalSubject, need: number, twice: string): Promise<ApprovalsJson> {
  const user = requireUser(actor);
  const mine = await tx.requestApproval.findFirst({ where: { ...subject, userId: user.userId }, select: { id: true } });
  if (mine) throw new AppError("conflict", twice);
  await tx.requestApproval.create({ data: { ...subject, userId: user.userId, email: user.email } });
  return countApprovals(tx, subject, need);
}

/** The approvals that count, oldest first. */
export async function countApprovals(client: Db | Tx, subject: ApprovalSubject, need: number): Promise<ApprovalsJson> {
  const recorded = await client.requestApproval.findMany({ where: subject, orderBy: { createdAt: "asc" }, select: { userId: true, email: true, createdAt: true } });
  const banned = new Set((await client.user.findMany({ where: { id: { in: recorded.map((r) => r.userId) }, banned: true }, select: { id: true } })).map((u) => u.id));
  const rows = recorded.filter((r) => !banned.has(r.userId));
  return { have: rows.length, need, by: rows.map((r) => ({ email: r.email, at: r.createdAt.toISOString() })) };
}
