import { z } from "zod";
import type { Prisma } from "../../generated/prisma/client";
import { db } from "../../db";
import { isOperator, requireUser, type Principal } from "../auth/principal";
import { serializeRequest } from "./serialize-request";
import { readStorePolicy } from "../settings/store-policy";

export const listRequestsQuery = z.object({
  status: z.enum(["pending", "approved", "rejected", "withdrawn"]).optional(),
  kind: z.enum(["org-ca", "plugin-cert"]).optional(),
  org: z.string().max(64).optional(),
});

/** The certificate an approved request became (a failed signing leaves a serial with no certificate). */
export const ISSUED_CERTIFICATE = { where: { status: { in: ["issued", "revoked"] } }, select: { serialHex: true }, orderBy: { createdAt: "desc" }, take: 1 } satisfies Prisma.CertificateRequest$certificatesArgs;

/** Operators see every request; org members see their organizations' requests. */
export async function listRequests(principal: Principal, raw: z.input<typeof listRequestsQuery>) {
  const actor = requireUser(principal);
  const q = listRequestsQuery.parse(raw);
  const where: Prisma.CertificateRequestWhereInput = {
    ...(q.status ? { status: q.status } : {}),
    ...(q.kind ? { kind: q.kind === "org-ca" ? "org_ca" : "plugin_cert" } : {}),
    ...(q.org ? { org: { slug: q.org } } : {}),
    ...(isOperator(actor) ? {} : { orgId: { in: actor.memberships.map((m) => m.orgId) } }),
  };
  const client = await db();
  const { orgCaApprovals } = await readStorePolicy(client);
  const rows = await client.certificateRequest.findMany({
    where,
    orderBy: { createdAt: "desc" },
    take: 500,
    include: { org: { select: { slug: true, contactVerifiedAt: true } }, approvals: { select: { email: true, createdAt: true } }, certificates: ISSUED_CERTIFICATE },
  });
  return rows.map((r) => serializeRequest(r, orgCaApprovals));
}
