// Which certificates are nearing expiry and still matter: issued, not yet expired, and not already
// replaced by a newer certificate for the same plugin (or the same organization's CA).
import type { Prisma } from "../../generated/prisma/client";
import type { Db, Tx } from "../../db";

export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

export type ExpiringCertificate = {
  id: string;
  serialHex: string;
  kind: "root_ca" | "org_ca" | "plugin" | "ocsp_responder";
  subject: string;
  orgId: string | null;
  pluginId: string | null;
  notBefore: Date;
  notAfter: Date;
  daysLeft: number;
};

export function daysLeft(notAfter: Date, now: Date): number {
  return Math.max(0, Math.ceil((notAfter.getTime() - now.getTime()) / DAY_MS));
}

export async function findExpiringCertificates(client: Db | Tx, scope: Prisma.CertificateWhereInput, now: Date, withinDays = EXPIRY_WARNING_DAYS): Promise<ExpiringCertificate[]> {
  const rows = await client.certificate.findMany({
    // Delegated OCSP responder certificates live a week and are renewed automatically: never a warning.
    where: { AND: [...(Object.keys(scope).length ? [scope] : []), { status: "issued", kind: { not: "ocsp_responder" }, notAfter: { gt: now, lte: new Date(now.getTime() + withinDays * DAY_MS) } }] },
    orderBy: { notAfter: "asc" },
    take: 500,
    select: { id: true, serialHex: true, kind: true, subject: true, orgId: true, pluginId: true, notBefore: true, notAfter: true },
  });
  if (rows.length === 0) return [];
  const successors = await client.certificate.findMany({
    where: {
      status: "issued",
      notAfter: { gt: rows[0].notAfter },
      OR: [
        { kind: "plugin", pluginId: { in: rows.filter((r) => r.kind === "plugin").map((r) => r.pluginId ?? "") } },
        { kind: "org_ca", orgId: { in: rows.filter((r) => r.kind === "org_ca").map((r) => r.orgId ?? "") } },
      ],
    },
    select: { kind: true, orgId: true, pluginId: true, notAfter: true },
  });
  const replaced = (r: (typeof rows)[number]) =>
    successors.some((s) => s.kind === r.kind && s.orgId === r.orgId && (r.kind !== "plugin" || s.pluginId === r.pluginId) && s.notAfter > r.notAfter);
  return rows.filter((r) => !replaced(r)).map((r) => ({ ...r, daysLeft: daysLeft(r.notAfter, now) }));
}
