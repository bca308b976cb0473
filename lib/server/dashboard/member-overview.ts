// What an organization member looks at first: their plugins with the current certificate of each,
// certificate counts, recent signed artifacts and requests — only their organizations' rows.
import type { Db } from "../../db";
import type { UserPrincipal } from "../auth/principal";
import { certificateStatus } from "../certificates/serialize-certificate";
import { daysLeft } from "../notifications/expiring-certificates";
import { serializeRequest } from "../requests/serialize-request";
import { signerRevoked, signingCertificateSelect } from "../artifacts/serialize-artifact";
import { getExpiryForecast } from "./expiry-forecast";

export async function getMemberOverview(client: Db, user: UserPrincipal, now: Date) {
  const orgIds = user.memberships.map((m) => m.orgId);
  const inOrgs = { orgId: { in: orgIds } };
  const [orgs, pluginCerts, certCounts, expiredCount, artifacts, artifactsTotal, requests, expiry] = await Promise.all([
    client.organization.findMany({ where: { id: { in: orgIds } }, orderBy: { name: "asc" }, select: { id: true, slug: true, name: true, status: true, pluginIdPrefix: true } }),
    client.certificate.findMany({
      where: { ...inOrgs, kind: "plugin", status: { in: ["issued", "revoked"] } },
      orderBy: { notAfter: "desc" },
      take: 500,
      select: { serialHex: true, pluginId: true, status: true, notAfter: true, org: { select: { slug: true } } },
    }),
    client.certificate.groupBy({ by: ["status"], where: { ...inOrgs, status: { in: ["issued", "revoked"] } }, _count: { _all: true } }),
    client.certificate.count({ where: { ...inOrgs, status: "issued", notAfter: { lte: now } } }),
    client.artifact.findMany({
      where: inOrgs,
      orderBy: { createdAt: "desc" },
      take: 6,
      select: { id: true, pluginId: true, version: true, sha256: true, createdAt: true, revokedAt: true, org: { select: { slug: true } }, certificate: signingCertificateSelect },
    }),
    client.artifact.count({ where: inOrgs }),
    client.certificateRequest.findMany({ where: inOrgs, orderBy: { createdAt: "desc" }, take: 6, include: { org: { select: { slug: true } } } }),
    getExpiryForecast(client, inOrgs, now),
  ]);

  // One line per plugin: its newest certificate (rows come newest-expiry first), and how many it has had.
  const plugins = new Map<string, { pluginId: string; orgSlug: string | null; serial: string; status: string; notAfter: string; daysLeft: number; certificates: number }>();
  for (const c of pluginCerts) {
    const id = c.pluginId ?? "";
    const seen = plugins.get(id);
    if (seen) {
      seen.certificates += 1;
      continue;
    }
    plugins.set(id, { pluginId: id, orgSlug: c.org?.slug ?? null, serial: c.serialHex, status: certificateStatus(c, now), notAfter: c.notAfter.toISOString(), daysLeft: daysLeft(c.notAfter, now), certificates: 1 });
  }
  const count = (status: string) => certCounts.find((g) => g.status === status)?._count._all ?? 0;
  return {
    orgs: orgs.map((o) => ({ ...o, role: user.memberships.find((m) => m.orgId === o.id)?.role ?? "member" })),
    plugins: [...plugins.values()].sort((a, b) => a.pluginId.localeCompare(b.pluginId)),
    certificates: { valid: count("issued") - expiredCount, expired: expiredCount, revoked: count("revoked") },
    artifacts: {
      total: artifactsTotal,
      recent: artifacts.map((a) => ({ id: a.id, pluginId: a.pluginId, version: a.version, sha256: a.sha256, orgSlug: a.org.slug, createdAt: a.createdAt.toISOString(), revoked: a.revokedAt !== null, certificateRevoked: signerRevoked(a.certificate) })),
    },
    requests: { pending: requests.filter((r) => r.status === "pending").length, recent: requests.map(serializeRequest) },
    expiry,
  };
}
