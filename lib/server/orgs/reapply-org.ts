// A rejected organization asks again: a new org-CA request for the same (frozen) name, under the
// registration rules — the name and the plugin id prefix must still be free, checked under the
// registration lock as at registration, and the partial unique index on names is the backstop.
import { z } from "zod";
import { db } from "../../db";
import { PROFILES } from "../../pki/certificate/profiles";
import { appendAuditEvent } from "../audit/append-audit-event";
import { isOrgAdmin, membershipIn, requireUser, type Principal } from "../auth/principal";
import { orgCaSubjectText } from "../cas/ca-subject";
import { AppError } from "../errors";
import { csrSummary, parseCsrInput } from "../requests/csr-input";
import { serializeRequest } from "../requests/serialize-request";
import { kickWebhookDeliveries } from "../webhooks/deliver-webhooks";
import { enqueueWebhookEvent } from "../webhooks/enqueue-webhook-event";
import { prefixesOverlap } from "./naming";
import { REGISTRATION_LOCK } from "./register-org";

export const reapplyInput = z.object({ csrPem: z.string().max(70_000).optional() }).strict();

export async function reapplyOrg(principal: Principal, slug: string, raw: z.input<typeof reapplyInput>) {
  const actor = requireUser(principal);
  const input = reapplyInput.parse(raw);
  const client = await db();
  const org = await client.organization.findUnique({ where: { slug } });
  if (!org || !(membershipIn(actor, org.id) || actor.isOperator)) throw new AppError("not_found", "Organization not found");
  if (!isOrgAdmin(actor, org.id)) throw new AppError("forbidden", "Only the organization's admins re-apply");
  if (org.status !== "rejected") throw new AppError("conflict", `The organization is ${org.status}: only a rejected organization re-applies`);
  const csr = input.csrPem ? parseCsrInput(input.csrPem, PROFILES.orgCa) : undefined;
  const result = await client.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${REGISTRATION_LOCK})`);
      const locked = await tx.$queryRawUnsafe<{ status: string }[]>(`SELECT status::text AS status FROM organization WHERE id = $1 FOR UPDATE`, org.id);
      if (locked[0]?.status !== "rejected") throw new AppError("conflict", `The organization is ${locked[0]?.status}: only a rejected organization re-applies`);
      const nameTaken = await tx.organization.findFirst({ where: { nameKey: org.nameKey, status: { not: "rejected" }, id: { not: org.id } }, select: { id: true } });
      if (nameTaken) throw new AppError("conflict", `The name '${org.name}' is now held by another organization: register under another name`, { errors: [{ path: "name", message: "taken by another organization" }] });
      const others = await tx.organization.findMany({ where: { status: { in: ["pending", "approved"] }, id: { not: org.id } }, select: { pluginIdPrefix: true } });
      if (org.pluginIdPrefix && others.some((o) => o.pluginIdPrefix && prefixesOverlap(o.pluginIdPrefix, org.pluginIdPrefix))) {
        throw new AppError("conflict", `The plugin id prefix '${org.pluginIdPrefix}' now overlaps one held by another organization`, { errors: [{ path: "pluginIdPrefix", message: "overlaps another organization's prefix" }] });
      }
      await tx.organization.update({ where: { id: org.id }, data: { status: "pending", rejectionReason: null } }).catch((err: unknown) => {
        if ((err as { code?: string }).code === "P2002") throw new AppError("conflict", `The name '${org.name}' is now held by another organization`);
        throw err;
      });
      const request = await tx.certificateRequest.create({
        data: {
          kind: "org_ca",
          orgId: org.id,
          keyMode: csr ? "external" : "hosted",
          subject: orgCaSubjectText(org.name),
          keyAlgorithm: csr?.keyAlgorithm ?? "ecdsa-p256",
          ...(csr ? csrSummary(csr) : {}),
          requestedById: actor.userId,
        },
        include: { org: { select: { slug: true, contactVerifiedAt: true } } },
      });
      await appendAuditEvent(tx, { actor, action: "org.reapplied", subjectType: "org", subjectId: org.id, orgId: org.id, details: { requestId: request.id, keyMode: request.keyMode, previousReason: org.rejectionReason } });
      const json = serializeRequest(request);
      await enqueueWebhookEvent(tx, "request.pending", org.id, () => ({ requestId: json.id, kind: json.kind, orgSlug: slug, orgName: org.name, subject: json.subject, keyMode: json.keyMode }));
      return { org: { id: org.id, slug, status: "pending" as const }, request: json };
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
  kickWebhookDeliveries();
  return result;
}
