// Who may decide a request: operators decide org-CA requests; an org's admins decide its plugin
// certificate requests unless store policy reserves that to operators. Others' requests are 404.
import type { Db } from "../../db";
import type { CertificateRequest } from "../../generated/prisma/client";
import { isOperator, isOrgAdmin, membershipIn, requireUser, type Principal } from "../auth/principal";
import { AppError } from "../errors";
import { readStorePolicy } from "../settings/store-policy";
import { requireSecondFactor } from "../auth/require-second-factor";


export type RequestRow = CertificateRequest;

export async function authorizeDecision(client: Db, principal: Principal, requestId: string): Promise<RequestRow> {
  const actor = requireUser(principal);
  const request = await client.certificateRequest.findUnique({ where: { id: requestId } });
  const visible = request && (isOperator(actor) || membershipIn(actor, request.orgId));
  if (!request || !visible) throw new AppError("not_found", "Request not found");
  if (isOperator(actor)) {
    await requireSecondFactor(client, actor, "decide requests");
    return request;
  }
  if (request.kind === "org_ca") throw new AppError("forbidden", "Only a store operator decides organization CA requests");
  if (!isOrgAdmin(actor, request.orgId)) throw new AppError("forbidden", "Only an organization admin decides plugin certificate requests");
  if ((await readStorePolicy(client)).pluginApprovalRequiresOperator) {
    throw new AppError("forbidden", "Store policy requires a store operator to approve plugin certificates");
  }
  await requireSecondFactor(client, actor, "decide requests");
  return request;
}
