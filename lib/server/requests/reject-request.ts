import { z } from "zod";
import { db } from "../../db";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { Principal } from "../auth/principal";
import { lockPendingRequest, markDecided } from "./approve-request";
import { authorizeDecision } from "./authorize-decision";
import { kickMailDelivery } from "../mail/deliver-mail";
import { kickWebhookDeliveries } from "../webhooks/deliver-webhooks";

export const rejectInput = z.object({ reason: z.string().trim().min(3, "Give the organization a reason").max(1000) });

export async function rejectRequest(actor: Principal, requestId: string, raw: z.input<typeof rejectInput>) {
  const { reason } = rejectInput.parse(raw);
  const client = await db();
  const request = await authorizeDecision(client, actor, requestId);
  const decided = await client.$transaction(async (tx) => {
    await lockPendingRequest(tx, request.id);
    if (request.kind === "org_ca") {
      await tx.organization.update({ where: { id: request.orgId }, data: { status: "rejected", rejectionReason: reason } });
    }
    const decided = await markDecided(tx, actor, request, "rejected", reason);
    await appendAuditEvent(tx, { actor, action: "request.rejected", subjectType: "request", subjectId: request.id, orgId: request.orgId, details: { kind: request.kind, reason } });
    return { request: decided };
  });
  kickMailDelivery();
  kickWebhookDeliveries();
  return decided;
}
