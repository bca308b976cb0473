// Operators change store policy in Settings; the change and its before/after land in the audit log
// in the same transaction.
import { z } from "zod";
import { db } from "../../db";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { Principal } from "../auth/principal";
import { requireOperatorFor } from "../auth/require-operator";
import { requireUser } from "../auth/principal";
import { readStorePolicy, storePolicySchema, writeStorePolicy, type StorePolicy } from "./store-policy";

// The stored schema fills defaults; an update must not (a PATCH of one field would reset the others).
const { pluginApprovalRequiresOperator, orgCaValidityDays, pluginCertValidityDays, orgCaApprovals, orgCaRevocationApprovals, requireSecondFactor, autoRenewDays } = storePolicySchema.shape;
const fields = { pluginApprovalRequiresOperator: pluginApprovalRequiresOperator.unwrap(), orgCaValidityDays: orgCaValidityDays.unwrap(), pluginCertValidityDays: pluginCertValidityDays.unwrap() };

/**
 * PUT sends every field; three came later, so clients written before them still work: a PUT without
 * orgCaApprovals means 1 (the policy as it was), one without requireSecondFactor or
 * orgCaRevocationApprovals keeps the stored value. PATCH any subset. Unknown fields are refused,
 * not ignored.
 */
export const storePolicyPut = z.object({ ...fields, orgCaApprovals, orgCaRevocationApprovals: orgCaRevocationApprovals.unwrap().optional(), requireSecondFactor: requireSecondFactor.unwrap().optional(), autoRenewDays: autoRenewDays.unwrap().optional() }).strict();
export const storePolicyPatch = z.object({ ...fields, orgCaApprovals: orgCaApprovals.unwrap(), orgCaRevocationApprovals: orgCaRevocationApprovals.unwrap(), requireSecondFactor: requireSecondFactor.unwrap(), autoRenewDays: autoRenewDays.unwrap() }).strict().partial();

/** Everyone signed in may read it: org admins need to know whether an operator must approve. */
export async function getStorePolicy(actor: Principal): Promise<StorePolicy> {
  requireUser(actor);
  return readStorePolicy(await db());
}

export async function updateStorePolicy(actor: Principal, patch: z.infer<typeof storePolicyPatch>): Promise<StorePolicy> {
  requireOperatorFor(actor, "change store policy");
  const client = await db();
  return client.$transaction(async (tx) => {
    const before = await readStorePolicy(tx);
    const after = storePolicySchema.parse({ ...before, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) });
    const changed = (Object.keys(after) as (keyof StorePolicy)[]).filter((k) => after[k] !== before[k]);
    if (changed.length === 0) return before;
    await writeStorePolicy(tx, after);
    await appendAuditEvent(tx, {
      actor,
      action: "settings.policy_updated",
      subjectType: "setting",
      subjectId: "storePolicy",
      details: Object.fromEntries(changed.map((k) => [k, { from: before[k], to: after[k] }])),
    });
    return after;
  });
}
