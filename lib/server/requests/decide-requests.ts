// Bulk approve/reject from the requests list. Each request goes through the one decision workflow
// on its own (authorization, store policy, second factor, row lock, audit), so one refusal never
// stops or undoes the others; the answer says what happened to each, in the order asked.
import { z } from "zod";
import type { Principal } from "../auth/principal";
import { requireUser } from "../auth/principal";
import { errorResponse } from "../http/problem";
import { recordRefusal } from "../http/route";
import { recordApprovalOrIssue } from "./approve-request";
import { rejectInput, rejectRequest } from "./reject-request";

export const MAX_BULK_DECISIONS = 100;

export const decideRequestsInput = z
  .object({
    decision: z.enum(["approve", "reject"]),
    ids: z.array(z.string().min(1).max(64)).min(1).max(MAX_BULK_DECISIONS).refine((ids) => new Set(ids).size === ids.length, "each request once"),
    reason: rejectInput.shape.reason.optional(),
  })
  .strict()
  .refine((b) => b.decision === "approve" || b.reason !== undefined, { path: ["reason"], message: "Give the organizations a reason" });

export type DecisionResult =
  | { id: string; ok: true; status: "approved" | "rejected" | "pending"; certificateSerial?: string; approvals?: { have: number; need: number } }
  | { id: string; ok: false; problem: { status: number; title: string; detail: string; code?: string } };

export async function decideRequests(actor: Principal, body: z.infer<typeof decideRequestsInput>): Promise<{ results: DecisionResult[] }> {
  requireUser(actor);
  const results: DecisionResult[] = [];
  for (const id of body.ids) {
    try {
      if (body.decision === "reject") {
        const { request } = await rejectRequest(actor, id, { reason: body.reason ?? "" });
        results.push({ id, ok: true, status: request.status as "rejected" });
      } else {
        const outcome = await recordApprovalOrIssue(actor, id);
        if ("pending" in outcome) results.push({ id, ok: true, status: "pending", approvals: { have: outcome.approvals.have, need: outcome.approvals.need } });
        else results.push({ id, ok: true, status: "approved", certificateSerial: outcome.certificate.serial });
      }
    } catch (err) {
      await recordRefusal(actor, "POST", `/api/v1/requests/${id.replace(/[^A-Za-z0-9_-]/g, "_")}/${body.decision}`, err);
      const answer = errorResponse(err);
      const problem = (await answer.json()) as { status: number; title: string; detail: string; code?: string };
      results.push({ id, ok: false, problem: { status: answer.status, title: problem.title, detail: problem.detail, ...(problem.code ? { code: problem.code } : {}) } });
    }
  }
  return { results };
}
