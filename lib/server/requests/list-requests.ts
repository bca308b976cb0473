import { z } from "zod";
import type { Prisma } from "../../generated/prisma/client";
import { db } from "../../db";
import { isOperator, requireUser, type Principal } from "../auth/principal";
import { serializeRequest } from "./serialize-request";
import { readStorePolicy } from "../settings/store-policy";
import { keyset, pageParams, decodeCursor, toPage } from "../http/keyset-page";

export const listRequestsQuery = z.object({
  status: z.enum(["pending", "approved", "rejected", "withdrawn"]).optional(),
  kind: z.enum(["org-ca", "plugin-cert"]).optional(),
  org: z.string().max(64).optional(),
  /** Free text: part of the plugin id, subject or organization name/slug, or the start of the key fingerprint. */
  q: z.string().trim().max(128).optional(),
  order: z.enum(["asc", "desc"]).default("desc"),
  ...pageParams(500),
});

/** The certificate an approved request became (a failed signing leaves a serial with no certificate). */
export const ISSUED_CERTIFICATE = { where: { status: { in: ["issued", "revoked"] } }, select: { serialHex: true }, orderBy: { createdAt: "desc" }, take: 1 } satisfies Prisma.CertificateRequest$certificatesArgs;

const CREATED_AT = { name: "createdAt", type: "date" } as const;

/** Operators see every request; org members see their organizations' requests. Newest first unless order=asc; paged by cursor. */
export async function listRequests(principal: Principal, raw: z.input<typeof listRequestsQuery>) {
  const actor = requireUser(principal);
  const q = listRequestsQuery.parse(raw);
  const page = keyset(CREATED_AT, q.order, decodeCursor(q.cursor, "createdAt", q.order));
  const text = q.q?.toLowerCase();
  const conditions: Prisma.CertificateRequestWhereInput[] = [
    isOperator(actor) ? {} : { orgId: { in: actor.memberships.map((m) => m.orgId) } },
    q.status ? { status: q.status } : {},
    q.kind ? { kind: q.kind === "org-ca" ? "org_ca" : "plugin_cert" } : {},
    q.org ? { org: { slug: q.org } } : {},
    text
      ? {
          OR: [
            { pluginId: { contains: text, mode: "insensitive" } },
            { subject: { contains: text, mode: "insensitive" } },
            { org: { slug: { contains: text, mode: "insensitive" } } },
            { org: { name: { contains: text, mode: "insensitive" } } },
            { fingerprintSha256: { startsWith: text.replace(/:/g, "") } },
          ],
        }
      : {},
    page.where,
  ];
  const client = await db();
  const { orgCaApprovals } = await readStorePolicy(client);
  const rows = await client.certificateRequest.findMany({
    where: { AND: conditions.filter((c) => Object.keys(c).length > 0) },
    orderBy: page.orderBy,
    take: q.limit + 1,
    include: { org: { select: { slug: true, contactVerifiedAt: true } }, approvals: { select: { email: true, createdAt: true } }, certificates: ISSUED_CERTIFICATE },
  });
  return toPage(rows, q.limit, "createdAt", q.order, (r) => r.createdAt, (r) => serializeRequest(r, orgCaApprovals));
}
