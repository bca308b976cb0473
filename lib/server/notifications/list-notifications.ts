// The console's bell: what needs this person's attention now. Computed from the data on each read
// (no stored inbox), so an item disappears as soon as it is dealt with — a request decided, a
// certificate renewed.
import type { Prisma } from "../../generated/prisma/client";
import { db } from "../../db";
import { isOrgAdmin, type Principal } from "../auth/principal";
import { requireUser } from "../auth/principal";
import { readStorePolicy } from "../settings/store-policy";
import { findExpiringCertificates } from "./expiring-certificates";

export type NotificationJson = {
  id: string;
  kind: "request.pending" | "certificate.expiring";
  title: string;
  detail: string;
  href: string;
  at: string;
};

export async function listNotifications(actor: Principal, now = new Date()): Promise<{ count: number; items: NotificationJson[] }> {
  const user = requireUser(actor);
  const client = await db();
  const policy = await readStorePolicy(client);
  const adminOrgIds = user.memberships.filter((m) => isOrgAdmin(user, m.orgId)).map((m) => m.orgId);
  const memberOrgIds = user.memberships.map((m) => m.orgId);

  // Who decides what (authorize-decision.ts): operators decide org-CA requests, and plugin ones when
  // policy reserves those to them; otherwise an org's admins decide its plugin requests.
  const decidable: Prisma.CertificateRequestWhereInput[] = [];
  if (user.isOperator) decidable.push({ kind: "org_ca" });
  if (user.isOperator && policy.pluginApprovalRequiresOperator) decidable.push({ kind: "plugin_cert" });
  if (!policy.pluginApprovalRequiresOperator && adminOrgIds.length) decidable.push({ kind: "plugin_cert", orgId: { in: adminOrgIds } });
  const requests = decidable.length
    ? await client.certificateRequest.findMany({ where: { status: "pending", OR: decidable }, orderBy: { createdAt: "asc" }, take: 200, include: { org: { select: { slug: true, name: true } } } })
    : [];

  // Operators watch the CAs; members watch their organizations' certificates.
  const certScope: Prisma.CertificateWhereInput[] = [];
  if (user.isOperator) certScope.push({ kind: { in: ["root_ca", "org_ca"] } });
  if (memberOrgIds.length) certScope.push({ orgId: { in: memberOrgIds } });
  const expiring = certScope.length ? await findExpiringCertificates(client, { OR: certScope }, now) : [];

  const items: NotificationJson[] = [
    ...requests.map((r) => ({
      id: `request:${r.id}`,
      kind: "request.pending" as const,
      title: r.kind === "org_ca" ? `${r.org.name} asks for an organization CA` : `${r.pluginId} needs approval`,
      detail: r.kind === "org_ca" ? `Registration of ${r.org.slug} is waiting for a store operator` : `Plugin certificate request in ${r.org.slug}`,
      href: r.kind === "org_ca" || user.isOperator ? "/requests" : `/orgs/${r.org.slug}`,
      at: r.createdAt.toISOString(),
    })),
    ...expiring.map((c) => ({
      id: `expiring:${c.id}`,
      kind: "certificate.expiring" as const,
      title: `${c.pluginId ?? c.subject} expires in ${c.daysLeft} day${c.daysLeft === 1 ? "" : "s"}`,
      detail: `${c.kind === "plugin" ? "Plugin certificate" : c.kind === "org_ca" ? "Organization CA" : "Root CA"} · valid until ${c.notAfter.toISOString().slice(0, 10)}`,
      href: `/certificates/${c.serialHex}`,
      at: c.notAfter.toISOString(),
    })),
  ];
  return { count: items.length, items: items.slice(0, 50) };
}
