import { db } from "../../db";
import type { Organization } from "../../generated/prisma/client";
import { isOperator, membershipIn, type Principal } from "../auth/principal";
import { AppError } from "../errors";
import { requireUser } from "../auth/principal";

type OrgWithCa = Organization & { certificateAuthorities: { id: string; status: string; keyId: string | null; certificate: { serialHex: string; notAfter: Date } | null }[] };

function serializeOrg(o: OrgWithCa) {
  const ca = o.certificateAuthorities[0];
  return {
    id: o.id,
    name: o.name,
    slug: o.slug,
    status: o.status,
    pluginIdPrefix: o.pluginIdPrefix,
    contactEmail: o.contactEmail,
    contactVerified: o.contactVerifiedAt !== null,
    rejectionReason: o.rejectionReason,
    suspendedAt: o.suspendedAt?.toISOString() ?? null,
    suspensionReason: o.suspensionReason,
    createdAt: o.createdAt.toISOString(),
    /** The Grafana root URLs its private Grafana plugins are signed for (set by its admins). */
    grafanaRootUrls: o.grafanaRootUrls,
    ca: ca ? { id: ca.id, status: ca.status, keyMode: ca.keyId ? "hosted" : "external", serial: ca.certificate?.serialHex ?? null, notAfter: ca.certificate?.notAfter.toISOString() ?? null } : null,
  };
}

const include = {
  certificateAuthorities: {
    where: { kind: "org" as const },
    orderBy: { createdAt: "desc" as const },
    take: 1,
    select: { id: true, status: true, keyId: true, certificate: { select: { serialHex: true, notAfter: true } } },
  },
};

export async function listOrgs(actor: Principal) {
  const user = requireUser(actor);
  const rows = await (await db()).organization.findMany({
    where: isOperator(user) ? {} : { id: { in: user.memberships.map((m) => m.orgId) } },
    orderBy: { createdAt: "desc" },
    include,
  });
  return rows.map(serializeOrg);
}

export async function getOrg(actor: Principal, slug: string) {
  const user = requireUser(actor);
  const org = await (await db()).organization.findUnique({ where: { slug }, include });
  if (!org || !(isOperator(user) || membershipIn(user, org.id))) throw new AppError("not_found", "Organization not found");
  return serializeOrg(org);
}
