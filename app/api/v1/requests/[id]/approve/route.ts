import { apiRoute, json } from "@/lib/server/http/route";
import { recordApprovalOrIssue } from "@/lib/server/requests/approve-request";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(async ({ principal, params }) => {
  const result = await recordApprovalOrIssue(principal, params.id);
  // Recorded, but more operators must approve before anything is issued.
  if ("pending" in result) return json({ request: result.request, approvals: result.approvals }, { status: 202 });
  return result;
});
