// The person who asked (or an admin of the organization) takes back a request nobody decided yet.
// It then issues nothing and frees its plugin id for a new request. An organization's registration
// request is not withdrawn this way: an operator rejects it, and the organization may re-apply.
import { db } from "../../db";
import { appendAuditEvent } from "../audit/append-audit-event";
import { isOrgAdmin, membershipIn, requireUser, type Principal } from "../auth/principal";
import { AppError } from "../errors";
import { kickWebhookDeliveries } from "../webhooks/deliver-webhooks";
import { enqueueWebhookEvent } from "../webhooks/enqueue-webhook-event";
import { lockPendingRequest } from "./approve-request";
import { serializeRequest } from "./serialize-request";

export async function withdrawRequest(principal: Principal, requestId: string) {
  const actor = requireUser(principal);
  const client = await db();
  const request = await client.certificateRequest.findUnique({ where: { id: requestId } });
  if (!request || !membershipIn(actor, request.orgId)) {
    if (request && actor.isOperator) throw new AppError("forbidden", "Only the requester or an admin of the organization withdraws a request; an operator rejects it");
    throw new AppError("not_found", "Request not found");
  }
  if (request.requestedById !== actor.userId && !isOrgAdmin(actor, request.orgId)) throw new AppError("forbidden", "Only the requester or an admin of the organization withdraws a request");
  if (request.kind === "org_ca" && !request.renewsCertificateId) throw new AppError("conflict", "A registration is not withdrawn: an operator decides it");
  const result = await client.$transaction(async (tx) => {
    await lockPendingRequest(tx, request.id);
    const updated = await tx.certificateRequest.update({
      where: { id: request.id },
      data: { status: "withdrawn", decidedAt: new Date(), decidedById: actor.userId },
      include: { org: { select: { slug: true } } },
    });
    await appendAuditEvent(tx, { actor, action: "request.withdrawn", subjectType: "request", subjectId: request.id, orgId: request.orgId, details: { kind: request.kind, pluginId: request.pluginId } });
    const json = serializeRequest(updated);
    await enqueueWebhookEvent(tx, "request.withdrawn", request.orgId, () => ({ requestId: json.id, kind: json.kind, orgSlug: json.orgSlug, pluginId: json.pluginId ?? null, subject: json.subject }));
    return { request: json };
  });
  kickWebhookDeliveries();
  return result;
}
