// Appends one event to the hash chain, inside the caller's transaction, so the event commits
// (or vanishes) together with the change it records.
import type { Prisma } from "../../generated/prisma/client";
import type { Tx } from "../../db";
import type { Principal } from "../auth/principal";
import { actorOf } from "../auth/principal";
import { auditHash, GENESIS_HASH } from "./audit-hash";

// Serializes writers so `seq` has no gaps and every event names its true predecessor.
const AUDIT_LOCK = 72_707_002;

export type AuditInput = {
  actor: Principal;
  action: string;
  subjectType: string;
  subjectId?: string | null;
  orgId?: string | null;
  outcome?: "success" | "failure" | "denied";
  details?: Record<string, unknown>;
  at?: Date;
};

export async function appendAuditEvent(tx: Tx, input: AuditInput): Promise<{ seq: bigint; hash: string }> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);
  const last = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
  const { actorId, actorLabel } = actorOf(input.actor);
  const record = {
    seq: (last?.seq ?? 0n) + 1n,
    createdAt: new Date(Math.floor((input.at ?? new Date()).getTime() / 1000) * 1000),
    actorId,
    actorLabel,
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId ?? null,
    orgId: input.orgId ?? null,
    outcome: input.outcome ?? "success",
    details: JSON.parse(JSON.stringify(input.details ?? {})) as Prisma.InputJsonValue,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  const hash = auditHash(record);
  await tx.auditEvent.create({ data: { ...record, hash } });
  return { seq: record.seq, hash };
}
