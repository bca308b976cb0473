// The audit log as operators browse it: newest first, filtered, paged by sequence number, each event's
// subject and organization named the way people know them (serial, plugin id, organization name).
import { z } from "zod";
import type { AuditEvent, Prisma } from "../../generated/prisma/client";
import { db, type Db } from "../../db";
import type { Principal } from "../auth/principal";
import { requireOperatorFor } from "../auth/require-operator";
import { describeSubjects, subjectIdsFor } from "./audit-subjects";

export const auditFilterQuery = z.object({
  actor: z.string().max(320).optional(),
  org: z.string().max(64).optional(),
  action: z.string().max(64).regex(/^[a-z0-9_.-]+$/, "an action looks like certificate.revoked").optional(),
  /** `problems` = failures and denials together. */
  outcome: z.enum(["success", "failure", "denied", "problems"]).optional(),
  /** What the event is about: a serial (or its first hex digits), a plugin id, an organization slug or name. */
  subject: z.string().trim().min(1).max(128).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export const auditQuery = auditFilterQuery.extend({
  /** Only events older than this sequence number (the previous page's last `seq`). */
  before: z.string().regex(/^\d{1,18}$/).optional(),
  /** Only events newer than this sequence number, OLDEST first (how `signet audit verify --url` walks the chain). */
  after: z.string().regex(/^\d{1,18}$/).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** The filters as a WHERE clause; null when they name something that does not exist (nothing matches). */
export async function auditWhere(client: Db, q: z.infer<typeof auditFilterQuery>): Promise<Prisma.AuditEventWhereInput | null> {
  let orgId: string | undefined;
  if (q.org) {
    const org = await client.organization.findUnique({ where: { slug: q.org }, select: { id: true } });
    if (!org) return null;
    orgId = org.id;
  }
  let about: Prisma.AuditEventWhereInput = {};
  if (q.subject) {
    const { subjectIds, orgIds } = await subjectIdsFor(client, q.subject);
    if (!subjectIds.length) return null;
    about = { OR: [{ subjectId: { in: subjectIds } }, ...(orgIds.length ? [{ orgId: { in: orgIds } }] : [])] };
  }
  // An action filter ending in "." matches the whole family (e.g. "certificate.").
  const action = q.action?.endsWith(".") ? { startsWith: q.action } : q.action;
  const outcome = q.outcome === "problems" ? { in: ["failure", "denied"] } : q.outcome;
  return {
    ...(q.actor ? { actorLabel: { contains: q.actor, mode: "insensitive" } } : {}),
    ...(orgId ? { orgId } : {}),
    ...(action ? { action } : {}),
    ...(outcome ? { outcome } : {}),
    ...(q.from || q.to ? { createdAt: { ...(q.from ? { gte: new Date(q.from) } : {}), ...(q.to ? { lte: new Date(q.to) } : {}) } } : {}),
    ...about,
  };
}

/** The events as the API and the export give them out. */
export async function serializeAuditEvents(client: Db, rows: AuditEvent[]) {
  const names = await describeSubjects(client, rows);
  return rows.map((e) => ({
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
    subject: names.subject(e),
    org: names.org(e),
  }));
}

export async function listAuditEvents(actor: Principal, raw: Record<string, string>) {
  requireOperatorFor(actor, "read the audit log");
  const q = auditQuery.parse(raw);
  const client = await db();
  const ascending = q.after !== undefined;
  const filters = await auditWhere(client, q);
  if (!filters) return ascending ? { events: [], nextAfter: null } : { events: [], nextBefore: null };
  const where: Prisma.AuditEventWhereInput = {
    ...filters,
    ...(q.before || q.after ? { seq: { ...(q.before ? { lt: BigInt(q.before) } : {}), ...(q.after ? { gt: BigInt(q.after) } : {}) } } : {}),
  };
  const rows = await client.auditEvent.findMany({ where, orderBy: { seq: ascending ? "asc" : "desc" }, take: q.limit });
  const events = await serializeAuditEvents(client, rows);
  const last = rows.length === q.limit ? rows[rows.length - 1].seq.toString() : null;
  return ascending ? { events, nextAfter: last } : { events, nextBefore: last };
}
