// The inventory as a file: CSV for spreadsheets, JSON for scripts. Same filters and scope as the
// list, because the console's Export button sends the table's current query.
import { z } from "zod";
import { db } from "../../db";
import type { Principal } from "../auth/principal";
import { certificateOrder, certificateWhere, listCertificatesQuery } from "./list-certificates";
import { requireUser } from "../auth/principal";
import { certificateStatus } from "./serialize-certificate";
import { csvCell } from "../http/csv";

export const exportQuery = listCertificatesQuery.extend({ format: z.enum(["csv", "json"]).default("csv") });

const MAX_ROWS = 20_000;
const COLUMNS = ["serial", "kind", "status", "subject", "org", "pluginId", "notBefore", "notAfter", "daysLeft", "keyMode", "fingerprintSha256", "revokedAt", "revocationReason"] as const;
type ExportRow = Record<(typeof COLUMNS)[number], string | number | null>;

export async function exportCertificates(actor: Principal, raw: Record<string, string>, now = new Date()) {
  const user = requireUser(actor);
  const q = exportQuery.parse(raw);
  const certificates = await (await db()).certificate.findMany({
    where: certificateWhere(user, q, now),
    orderBy: certificateOrder(q),
    take: MAX_ROWS,
    select: {
      serialHex: true, kind: true, status: true, subject: true, pluginId: true, notBefore: true, notAfter: true, keyId: true, fingerprintSha256: true,
      org: { select: { slug: true } },
      revocation: { select: { revokedAt: true, reason: true } },
    },
  });
  const rows: ExportRow[] = certificates.map((c) => ({
    serial: c.serialHex,
    kind: c.kind.replace("_", "-"),
    status: certificateStatus(c, now),
    subject: c.subject,
    org: c.org?.slug ?? null,
    pluginId: c.pluginId,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    daysLeft: Math.max(0, Math.ceil((c.notAfter.getTime() - now.getTime()) / 86_400_000)),
    keyMode: c.keyId ? "hosted" : "external",
    fingerprintSha256: c.fingerprintSha256,
    revokedAt: c.revocation?.revokedAt.toISOString() ?? null,
    revocationReason: c.revocation?.reason ?? null,
  }));
  const stamp = now.toISOString().slice(0, 10);
  if (q.format === "json") {
    return { filename: `certificates-${stamp}.json`, contentType: "application/json", body: JSON.stringify(rows, null, 2) };
  }
  const lines = [COLUMNS.join(","), ...rows.map((r) => COLUMNS.map((k) => csvCell(r[k])).join(","))];
  return { filename: `certificates-${stamp}.csv`, contentType: "text/csv; charset=utf-8", body: `${lines.join("\r\n")}\r\n` };
}
