import { db, type Db } from "../../db";
import type { Principal } from "../auth/principal";
import { requireOperatorFor } from "../auth/require-operator";
import { AuditChainWalk, type AuditChainReport } from "./audit-chain-walk";

export type { AuditChainReport } from "./audit-chain-walk";

/**
 * Walks the chain in order; reports the first event whose hash, predecessor or sequence does not hold,
 * and, given a checkpoint saved earlier, whether today's chain still extends it.
 */
export async function verifyAuditChain(client: Db, opts: { checkpoint?: { seq: bigint; headHash: string }; batchSize?: number } = {}): Promise<AuditChainReport> {
  const walk = new AuditChainWalk(opts.checkpoint);
  for (;;) {
    const batch = await client.auditEvent.findMany({ where: { seq: { gte: walk.nextSeq } }, orderBy: { seq: "asc" }, take: opts.batchSize ?? 2000 });
    if (batch.length === 0) return walk.finish();
    for (const event of batch) if (!walk.push(event)) return walk.finish();
  }
}

/** The operator-facing check behind `GET /api/v1/audit/verify`. */
export async function verifyAuditLog(actor: Principal): Promise<AuditChainReport> {
  requireOperatorFor(actor, "verify the audit log");
  return verifyAuditChain(await db());
}
