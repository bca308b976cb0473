import crypto from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

export type AuditRecord = {
  seq: bigint;
  createdAt: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  orgId: string | null;
  outcome: string;
  details: unknown;
  prevHash: string;
};

/** JSON with object keys sorted at every level, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export function auditHash(event: AuditRecord): string {
  const body = canonicalJson({
    seq: event.seq.toString(),
    createdAt: event.createdAt.toISOString(),
    actorId: event.actorId,
    actorLabel: event.actorLabel,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    orgId: event.orgId,
    outcome: event.outcome,
    details: event.details,
  });
  return crypto.createHash("sha256").update(event.prevHash).update("\n").update(body).digest("hex");
}
