// The filtered audit log as a file, streamed: events are read in batches by sequence number while
// the response is being sent, so an export of the whole chain never sits in memory.
import { z } from "zod";
import { db } from "../../db";
import type { Principal } from "../auth/principal";
import { requireOperatorFor } from "../auth/require-operator";
import { csvCell } from "../http/csv";
import { auditFilterQuery, auditWhere, serializeAuditEvents } from "./list-audit-events";

export const auditExportQuery = auditFilterQuery.extend({ format: z.enum(["csv", "json"]).default("csv") });

const BATCH = 500;
const COLUMNS = ["seq", "at", "actor", "action", "outcome", "subjectType", "subjectId", "subject", "org", "details", "hash"] as const;

type Serialized = Awaited<ReturnType<typeof serializeAuditEvents>>[number];

function csvLine(e: Serialized): string {
  const cells: Record<(typeof COLUMNS)[number], string | null> = {
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    action: e.action,
    outcome: e.outcome,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    subject: e.subject?.label ?? null,
    org: e.org?.slug ?? null,
    details: JSON.stringify(e.details ?? {}),
    hash: e.hash,
  };
  return `${COLUMNS.map((k) => csvCell(cells[k])).join(",")}\r\n`;
}

/** Newest first, like the list. The filters are checked before the first byte is sent (a bad one is a 400). */
export async function exportAuditEvents(actor: Principal, raw: Record<string, string>, now = new Date()) {
  requireOperatorFor(actor, "export the audit log");
  const q = auditExportQuery.parse(raw);
  const client = await db();
  const where = await auditWhere(client, q);
  const encoder = new TextEncoder();
  let before: bigint | undefined;
  let first = true;
  let done = where === null;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(q.format === "csv" ? `${COLUMNS.join(",")}\r\n` : "["));
    },
    async pull(controller) {
      if (done) {
        if (q.format === "json") controller.enqueue(encoder.encode("]\n"));
        controller.close();
        return;
      }
      const rows = await client.auditEvent.findMany({ where: { ...where, ...(before !== undefined ? { seq: { lt: before } } : {}) }, orderBy: { seq: "desc" }, take: BATCH });
      if (rows.length < BATCH) done = true;
      if (rows.length) before = rows[rows.length - 1].seq;
      const events = await serializeAuditEvents(client, rows);
      const text =
        q.format === "csv"
          ? events.map(csvLine).join("")
          : events.map((e) => {
              const item = `${first ? "\n" : ",\n"}${JSON.stringify(e)}`;
              first = false;
              return item;
            }).join("");
      if (text) controller.enqueue(encoder.encode(text));
    },
  });
  const stamp = now.toISOString().slice(0, 10);
  return { body, filename: `audit-${stamp}.${q.format}`, contentType: q.format === "csv" ? "text/csv; charset=utf-8" : "application/json" };
}
