import { db, type Db } from "../../db";
import type { Principal } from "../auth/principal";
import { requireOperatorFor } from "../auth/require-operator";
import { auditHash, GENESIS_HASH } from "./audit-hash";

export type AuditChainReport = { valid: boolean; events: number; brokenAt?: string; problem?: string };

/** Walks the chain in order; reports the first event whose hash, predecessor or sequence does not hold. */
export async function verifyAuditChain(client: Db, batchSize = 2000): Promise<AuditChainReport> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1n;
  let count = 0;
  for (;;) {
    const batch = await client.auditEvent.findMany({
      where: { seq: { gte: expectedSeq } },
      orderBy: { seq: "asc" },
      take: batchSize,
    });
    if (batch.length === 0) return { valid: true, events: count };
    for (const event of batch) {
      if (event.seq !== expectedSeq) {
        return { valid: false, events: count, brokenAt: expectedSeq.toString(), problem: "event missing from the chain" };
      }
      if (event.prevHash !== prevHash) {
        return { valid: false, events: count, brokenAt: event.seq.toString(), problem: "previous hash does not match" };
      }
      if (auditHash(event) !== event.hash) {
        return { valid: false, events: count, brokenAt: event.seq.toString(), problem: "event content was altered" };
      }
      prevHash = event.hash;
      expectedSeq += 1n;
      count += 1;
    }
  }
}

/** The operator-facing check behind `GET /api/v1/audit/verify`. */
export async function verifyAuditLog(actor: Principal): Promise<AuditChainReport> {
  requireOperatorFor(actor, "verify the audit log");
  return verifyAuditChain(await db());
}
