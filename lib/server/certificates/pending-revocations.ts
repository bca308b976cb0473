// Org CA revocations by more than one person (store policy orgCaRevocationApprovals = N > 1): the
// first operator's revoke proposes it with a reason, each distinct operator's revoke with the same
// reason approves it, and the N-th revokes in the same transaction (revoke-certificate.ts). An
// operator may withdraw a pending revocation (another reason, a mistake); everything is audited.
import type { Db, Tx } from "../../db";
import type { PendingRevocation } from "../../generated/prisma/client";
import { appendAuditEvent } from "../audit/append-audit-event";
import { countApprovals, recordDistinctApproval, type ApprovalsJson } from "../approvals/distinct-approvals";
import { requireUser, type Principal } from "../auth/principal";
import { requireOperatorFor } from "../auth/require-operator";
import { db } from "../../db";
import { AppError } from "../errors";
import { readStorePolicy } from "../settings/store-policy";
import { requireSecondFactor } from "../auth/require-second-factor";

export type PendingRevocationJson = {
  id: string;
  serial: string;
  subject: string;
  orgSlug: string | null;
  reason: string;
  invalidityDate: string | null;
  requestedBy: string;
  createdAt: string;
  approvals: ApprovalsJson;
};

type CertRef = { id: string; serialHex: string; subject: string; orgId: string | null; org: { slug: string } | null };

function serialize(p: PendingRevocation, cert: CertRef, approvals: ApprovalsJson): PendingRevocationJson {
  return {
    id: p.id,
    serial: cert.serialHex,
    subject: cert.subject,
    orgSlug: cert.org?.slug ?? null,
    reason: p.reason,
    invalidityDate: p.invalidityDate?.toISOString() ?? null,
    requestedBy: p.requestedByEmail,
    createdAt: p.createdAt.toISOString(),
    approvals,
  };
}

export type RevocationVote = { revoke: true; approvals?: ApprovalsJson; pendingId?: string } | { revoke: false; pending: PendingRevocationJson };

/**
 * One operator's say on revoking the org CA `cert`; the caller holds the certificate's row lock, so
 * proposals and approvals of one certificate queue there (the partial unique index on pending
 * revocations is the backstop). Answers whether to revoke now, or what is still missing.
 */
export async function voteOrgCaRevocation(tx: Tx, actor: Principal, cert: CertRef, input: { reason: string; invalidityDate?: Date }): Promise<RevocationVote> {
  const { orgCaRevocationApprovals: need } = await readStorePolicy(tx);
  const existing = await tx.pendingRevocation.findFirst({ where: { certificateId: cert.id, status: "pending" } });
  if (!existing && need <= 1) return { revoke: true };
  const user = requireUser(actor);
  let pending = existing;
  if (pending) {
    const sameInvalidity = (pending.invalidityDate?.getTime() ?? null) === (input.invalidityDate?.getTime() ?? null);
    if (pending.reason !== input.reason || !sameInvalidity) {
      throw new AppError("conflict", `A revocation of this CA is pending with reason ${pending.reason}${pending.invalidityDate ? ` and invalidity date ${pending.invalidityDate.toISOString()}` : ""}: approve it with the same, or withdraw it first`);
    }
    // The policy was lowered since: the approvals already given may be enough.
    const counted = await countApprovals(tx, { revocationId: pending.id }, need);
    if (counted.have >= need) return finish(tx, pending, counted);
  } else {
    pending = await tx.pendingRevocation.create({
      data: { certificateId: cert.id, reason: input.reason as PendingRevocation["reason"], invalidityDate: input.invalidityDate ?? null, requestedById: user.userId, requestedByEmail: user.email },
    });
    await appendAuditEvent(tx, { actor, action: "certificate.revocation_proposed", subjectType: "certificate", subjectId: cert.id, orgId: cert.orgId, details: { serial: cert.serialHex, reason: input.reason, need } });
  }
  const approvals = await recordDistinctApproval(tx, actor, { revocationId: pending.id }, need, "you already approved this revocation: another operator must approve it");
  await appendAuditEvent(tx, { actor, action: "certificate.revocation_approval_recorded", subjectType: "certificate", subjectId: cert.id, orgId: cert.orgId, details: { serial: cert.serialHex, reason: pending.reason, have: approvals.have, need } });
  if (approvals.have < need) return { revoke: false, pending: serialize(pending, cert, approvals) };
  return finish(tx, pending, approvals);
}

async function finish(tx: Tx, pending: PendingRevocation, approvals: ApprovalsJson): Promise<RevocationVote> {
  await tx.pendingRevocation.update({ where: { id: pending.id }, data: { status: "revoked", decidedAt: new Date() } });
  return { revoke: true, approvals, pendingId: pending.id };
}

const CERT_SELECT = { id: true, serialHex: true, subject: true, orgId: true, org: { select: { slug: true } } } as const;

/** The queue's pending org CA revocations, oldest first (operators). */
export async function listPendingRevocations(actor: Principal): Promise<PendingRevocationJson[]> {
  requireOperatorFor(actor, "see pending revocations");
  const client = await db();
  const { orgCaRevocationApprovals: need } = await readStorePolicy(client);
  const rows = await client.pendingRevocation.findMany({ where: { status: "pending" }, orderBy: { createdAt: "asc" }, take: 200, include: { certificate: { select: CERT_SELECT } } });
  return Promise.all(rows.map(async (r) => serialize(r, r.certificate, await countApprovals(client, { revocationId: r.id }, need))));
}

/** The pending revocation of one certificate, for its page (operators only; undefined when none). */
export async function pendingRevocationOf(client: Db, actor: Principal, certificateId: string): Promise<PendingRevocationJson | undefined> {
  if (actor.kind !== "user" || !actor.isOperator) return undefined;
  const row = await client.pendingRevocation.findFirst({ where: { certificateId, status: "pending" }, include: { certificate: { select: CERT_SELECT } } });
  if (!row) return undefined;
  const { orgCaRevocationApprovals: need } = await readStorePolicy(client);
  return serialize(row, row.certificate, await countApprovals(client, { revocationId: row.id }, need));
}

/** An operator withdraws a pending revocation: nothing is revoked, the approvals stop counting. */
export async function withdrawPendingRevocation(actor: Principal, id: string): Promise<{ withdrawn: true; serial: string }> {
  requireOperatorFor(actor, "withdraw pending revocations");
  if (id.length > 64) throw new AppError("not_found", "Pending revocation not found");
  const client = await db();
  await requireSecondFactor(client, actor, "revoke certificates");
  return client.$transaction(async (tx) => {
    const row = await tx.pendingRevocation.findUnique({ where: { id }, include: { certificate: { select: CERT_SELECT } } });
    if (!row) throw new AppError("not_found", "Pending revocation not found");
    // The certificate's row lock, as every vote on it takes: a withdrawal and the N-th approval do not interleave.
    await tx.$queryRawUnsafe(`SELECT id FROM certificate WHERE id = $1 FOR UPDATE`, row.certificateId);
    const updated = await tx.pendingRevocation.updateMany({ where: { id, status: "pending" }, data: { status: "withdrawn", decidedAt: new Date() } });
    if (updated.count === 0) throw new AppError("conflict", "This revocation is no longer pending");
    await appendAuditEvent(tx, { actor, action: "certificate.revocation_withdrawn", subjectType: "certificate", subjectId: row.certificateId, orgId: row.certificate.orgId, details: { serial: row.certificate.serialHex, reason: row.reason } });
    return { withdrawn: true as const, serial: row.certificate.serialHex };
  });
}
