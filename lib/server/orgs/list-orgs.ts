import { z } from "zod";
import { db } from "../../db";
import type { Organization, Prisma } from "../../generated/prisma/client";
import { decodeCursor, keyset, pageParams, toPage } from "../http/keyset-page";
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

export const listOrgsQuery = z.object({
  status: z.enum(["pending", "approved", "rejected", "suspended"]).optional(),
  /** Free text: part of the name, slug, plugin id prefix or contact address. */
  q: z.string().trim().max(128).optional(),
  sort: z.enum(["createdAt", "name"]).default("createdAt"),
  order: z.enum(["asc", "desc"]).optional(),
  ...pageParams(1000),
});

/** Operators see every organization, members their own; newest first (or by name), paged by cursor. */
export async function listOrgs(actor: Principal, raw: z.input<typeof listOrgsQuery> = {}) {
  const user = requireUser(actor);
  const q = listOrgsQuery.parse(raw);
  const order = q.order ?? (q.sort === "name" ? "asc" : "desc");
  const page = keyset({ name: q.sort, type: q.sort === "name" ? "text" : "date" }, order, decodeCursor(q.cursor, q.sort, order));
  const text = q.q;
  const conditions: Prisma.OrganizationWhereInput[] = [
    isOperator(user) ? {} : { id: { in: user.memberships.map((m) => m.orgId) } },
    q.status ? { status: q.status } : {},
    text
      ? {
          OR: [
            { name: { contains: text, mode: "insensitive" } },
            { slug: { contains: text, mode: "insensitive" } },
            { pluginIdPrefix: { contains: text, mode: "insensitive" } },
            { contactEmail: { contains: text, mode: "insensitive" } },
          ],
        }
      : {},
    page.where,
  ];
  const rows = await (await db()).organization.findMany({
    where: { AND: conditions.filter((c) => Object.keys(c).length > 0) },
    orderBy: page.orderBy,
    take: q.limit + 1,
    include,
  });
  return toPage(rows, q.limit, q.sort, order, (o) => (q.sort === "name" ? o.name : o.createdAt), serializeOrg);
}

export async function getOrg(actor: Principal, slug: string) {
  const user = requireUser(actor);
  const org = await (await db()).organization.findUnique({ where: { slug }, include });
  if (!org || !(isOperator(user) || membershipIn(user, org.id))) throw new AppError("not_found", "Organization not found");
  return serializeOrg(org);
}
