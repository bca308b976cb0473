// The audit log as operators browse it: newest first, filtered, paged by sequence number.
import { z } from "zod";
import type { Prisma } from "../../generated/prisma/client";
import { db } from "../../db";
import type { Principal } from "../auth/principal";
import { requireOperatorFor } from "../auth/require-operator";

export const auditQuery = z.object({
  actor: z.string().max(320).optional(),
  org: z.string().max(64).optional(),
  action: z.string().max(64).regex(/^[a-z0-9_.-]+$/, "an action looks like certificate.revoked").optional(),
  outcome: z.enum(["success", "failure", "denied"]).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** Only events older than this sequence number (the previous page's last `seq`). */
  before: z.string().regex(/^\d{1,18}$/).optional(),
  /** Only events newer than this sequence number, OLDEST first (how `signet audit verify --url` walks the chain). */
  after: z.string().regex(/^\d{1,18}$/).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export async function listAuditEvents(actor: Principal, raw: Record<string, string>) {
  requireOperatorFor(actor, "read the audit log");
  const q = auditQuery.parse(raw);
  const client = await db();
  let orgId: string | undefined;
  if (q.org) {
    const org = await client.organization.findUnique({ where: { slug: q.org }, select: { id: true } });
    if (!org) return { events: [], nextBefore: null };
    orgId = org.id;
  }
  // An action filter ending in "." matches the whole family (e.g. "certificate.").
  const action = q.action?.endsWith(".") ? { startsWith: q.action } : q.action;
  const where: Prisma.AuditEventWhereInput = {
    ...(q.actor ? { actorLabel: { contains: q.actor, mode: "insensitive" } } : {}),
    ...(orgId ? { orgId } : {}),
    ...(action ? { action } : {}),
    ...(q.outcome ? { outcome: q.outcome } : {}),
    ...(q.from || q.to ? { createdAt: { ...(q.from ? { gte: new Date(q.from) } : {}), ...(q.to ? { lte: new Date(q.to) } : {}) } } : {}),
    ...(q.before || q.after ? { seq: { ...(q.before ? { lt: BigInt(q.before) } : {}), ...(q.after ? { gt: BigInt(q.after) } : {}) } } : {}),
  };
  const ascending = q.after !== undefined;
  const rows = await client.auditEvent.findMany({ where, orderBy: { seq: ascending ? "asc" : "desc" }, take: q.limit });
  const events = rows.map((e) => ({
    seq: e.seq.toString(),
    at: e.createdAt.toISOString(),
    actor: e.actorLabel,
    actorId: e.actorId,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    orgId: e.orgId,
    outcome: e.outcome,
    details: e.details,
    prevHash: e.prevHash,
    hash: e.hash,
  }));
  const last = rows.length === q.limit ? rows[rows.length - 1].seq.toString() : null;
  return ascending ? { events, nextAfter: last } : { events, nextBefore: last };
}
