// What a store operator looks at first: the queue, the organizations, what expires, what was
// revoked, and whether CRLs and OCSP are healthy.
import type { Db } from "../../db";
import { serializeRequest } from "../requests/serialize-request";
import { getExpiryForecast } from "./expiry-forecast";
import { getRevocationHealth } from "./revocation-health";

// Pending requests newest first, the order /requests lists them in (one order across the console).
export async function getOperatorOverview(client: Db, now: Date) {
  const [pendingTotal, pending, orgCounts, expiry, revocations, revocationHealth] = await Promise.all([
    client.certificateRequest.count({ where: { status: "pending" } }),
    client.certificateRequest.findMany({ where: { status: "pending" }, orderBy: { createdAt: "desc" }, take: 5, include: { org: { select: { slug: true, contactVerifiedAt: true } } } }),
    client.organization.groupBy({ by: ["status"], _count: { _all: true } }),
    getExpiryForecast(client, {}, now),
    client.revocation.findMany({
      orderBy: { revokedAt: "desc" },
      take: 6,
      select: { serialHex: true, reason: true, revokedAt: true, certificate: { select: { subject: true, kind: true, pluginId: true, org: { select: { slug: true } } } } },
    }),
    getRevocationHealth(client, now),
  ]);
  const orgs = { total: 0, pending: 0, approved: 0, rejected: 0, suspended: 0 };
  for (const g of orgCounts) {
    orgs[g.status] = g._count._all;
    orgs.total += g._count._all;
  }
  return {
    pending: { total: pendingTotal, items: pending.map(serializeRequest) },
    organizations: orgs,
    expiry,
    recentRevocations: revocations.map((r) => ({
      serial: r.serialHex,
      subject: r.certificate.subject,
      kind: r.certificate.kind.replace("_", "-"),
      pluginId: r.certificate.pluginId,
      orgSlug: r.certificate.org?.slug ?? null,
      reason: r.reason,
      revokedAt: r.revokedAt.toISOString(),
    })),
    revocationHealth,
  };
}
