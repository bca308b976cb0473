// Who may decide a request: operators decide org-CA requests; an org's admins decide its plugin
// certificate requests unless store policy reserves that to operators. Others' requests are 404.
import type { Db } from "../../db";
import type { CertificateRequest } from "../../generated/prisma/client";
import { isOperator, isOrgAdmin, membershipIn, requireUser, type Principal } from "../auth/principal";
import { AppError } from "../errors";
import { readStorePolicy, type StorePolicy } from "../settings/store-policy";
import { requireSecondFactor } from "../auth/require-second-factor";

export type RequestRow = CertificateRequest;
type User = ReturnType<typeof requireUser>;

/**
 * Why `actor` may not decide `request` (undefined: they may). One rule for the decision and for the
 * console, which offers Approve/Reject only to whoever this lets through (defect: a 403 behind the button).
 */
export function decisionRefusal(actor: User, request: Pick<CertificateRequest, "kind" | "orgId">, policy: StorePolicy): string | undefined {
  if (isOperator(actor)) return undefined;
  if (request.kind === "org_ca") return "Only a store operator decides organization CA requests";
  if (!isOrgAdmin(actor, request.orgId)) return "Only an organization admin decides plugin certificate requests";
  if (policy.pluginApprovalRequiresOperator) return "Store policy requires a store operator to approve plugin certificates";
  return undefined;
}

export async function authorizeDecision(client: Db, principal: Principal, requestId: string): Promise<RequestRow> {
  const actor = requireUser(principal);
  const request = await client.certificateRequest.findUnique({ where: { id: requestId } });
  const visible = request && (isOperator(actor) || membershipIn(actor, request.orgId));
  if (!request || !visible) throw new AppError("not_found", "Request not found");
  if (isOperator(actor)) {
    await requireSecondFactor(client, actor, "decide requests");
    return request;
  }
  const refusal = decisionRefusal(actor, request, await readStorePolicy(client));
  if (refusal) throw new AppError("forbidden", refusal);
  await requireSecondFactor(client, actor, "decide requests");
  return request;
}
