// Signed checkpoints of the audit chain head, by the checkpoint key derived from the master key
// (lib/server/keys/purpose-key.ts), which the database never holds. Someone who saved a checkpoint
// outside the database can later prove that the chain still extends it (`signet audit verify
// --checkpoint FILE`). What a checkpoint cannot cover: events appended after the newest checkpoint
// anyone saved can still be deleted by whoever writes to the database, which is why checkpoints are
// taken every few minutes (SIGNET_AUDIT_CHECKPOINT_MINUTES) and on demand.
import crypto from "node:crypto";
import { db, type Db } from "../../db";
import { checkpointKeyId, signCheckpoint, type Checkpoint } from "../../pki/audit/checkpoint";
import { toPem } from "../../pki/certificate/pem";
import { AppError } from "../errors";
import { derivedKeyPair } from "../keys/purpose-key";

export type CheckpointKey = { keyId: string; algorithm: "Ed25519"; publicKeyPem: string };

export function checkpointKey(): CheckpointKey & { privateKey: crypto.KeyObject; publicKey: crypto.KeyObject } {
  const { privateKey, publicKey } = derivedKeyPair("audit-checkpoint");
  const spki = publicKey.export({ type: "spki", format: "der" });
  return { keyId: checkpointKeyId(publicKey), algorithm: "Ed25519", publicKeyPem: toPem(spki, "PUBLIC KEY"), privateKey, publicKey };
}

/** The public half, as `GET /audit/checkpoint/key` publishes it. */
export function publishedCheckpointKey(): CheckpointKey {
  const { keyId, algorithm, publicKeyPem } = checkpointKey();
  return { keyId, algorithm, publicKeyPem };
}

function fromRow(row: { seq: bigint; headHash: string; createdAt: Date; keyId: string; signature: string }): Checkpoint {
  return { seq: row.seq.toString(), headHash: row.headHash, time: row.createdAt.toISOString().replace(".000Z", "Z"), keyId: row.keyId, signature: row.signature };
}

/**
 * A checkpoint of the current head: the stored one when the head has not moved since (so repeated
 * calls add no rows: at most one per event), else a fresh one, signed and kept in the history.
 */
export async function checkpointAuditHead(client?: Db, now = new Date()): Promise<Checkpoint> {
  const c = client ?? (await db());
  const head = await c.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
  if (!head) throw new AppError("not_found", "The audit log is empty: there is no head to checkpoint yet");
  const key = checkpointKey();
  const existing = await c.auditCheckpoint.findUnique({ where: { seq: head.seq } });
  if (existing && existing.headHash === head.hash && existing.keyId === key.keyId) return fromRow(existing);
  const signed = signCheckpoint(key.privateKey, key.keyId, { seq: head.seq, headHash: head.hash }, now);
  const row = { seq: head.seq, headHash: signed.headHash, createdAt: new Date(signed.time), keyId: signed.keyId, signature: signed.signature };
  // A row for this seq that no longer matches (a rewritten chain, another master key) is replaced: the
  // history is a convenience, the proof is in the copies verifiers saved.
  await c.auditCheckpoint.upsert({ where: { seq: head.seq }, create: row, update: row });
  return signed;
}

/** The stored checkpoint taken at event `seq`, for a verifier who wants one older than the head. */
export async function getAuditCheckpoint(seq: string): Promise<Checkpoint> {
  if (!/^\d{1,18}$/.test(seq)) throw new AppError("bad_request", "seq is an event sequence number (digits)");
  const row = await (await db()).auditCheckpoint.findUnique({ where: { seq: BigInt(seq) } });
  if (!row) throw new AppError("not_found", `No checkpoint was taken at event ${seq}`);
  return fromRow(row);
}

/** The newest checkpoints, for the console. */
export async function listAuditCheckpoints(limit = 10): Promise<Checkpoint[]> {
  const rows = await (await db()).auditCheckpoint.findMany({ orderBy: { seq: "desc" }, take: limit });
  return rows.map(fromRow);
}
