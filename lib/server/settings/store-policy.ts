// Store-wide policy, editable by operators in Settings.
import { z } from "zod";
import type { Db, Tx } from "../../db";

export const storePolicySchema = z.object({
  pluginApprovalRequiresOperator: z.boolean().default(false),
  orgCaValidityDays: z.number().int().min(30).max(3650).default(365),
  pluginCertValidityDays: z.number().int().min(1).max(3650).default(365),
  /** Distinct operators who must approve an organization CA request; the last of them issues. */
  orgCaApprovals: z.number().int().min(1).max(10).default(1),
  /** Distinct operators who must approve revoking an organization CA; the last of them revokes. */
  orgCaRevocationApprovals: z.number().int().min(1).max(10).default(1),
  // Who must have signed in with a second factor before approving, rejecting, revoking or using a key
  // (archive signing, API token creation): lib/server/auth/require-second-factor.ts.
  requireSecondFactor: z.enum(["none", "operators", "admins"]).default("none"),
  /**
   * Hosted plugin keys: renew their certificates (same key) this many days before expiry, by the
   * background job (lib/server/certificates/auto-renew.ts). 0 = never. Setting it is the operators'
   * standing approval of such renewals: same key, same plugin id, same name as already approved.
   */
  autoRenewDays: z.number().int().min(0).max(365).default(0),
});
export type StorePolicy = z.infer<typeof storePolicySchema>;

const KEY = "storePolicy";

export async function readStorePolicy(client: Db | Tx): Promise<StorePolicy> {
  const row = await client.setting.findUnique({ where: { key: KEY } });
  const parsed = storePolicySchema.safeParse(row?.value ?? {});
  return parsed.success ? parsed.data : storePolicySchema.parse({});
}

export async function writeStorePolicy(tx: Tx, policy: StorePolicy): Promise<void> {
  await tx.setting.upsert({ where: { key: KEY }, create: { key: KEY, value: policy }, update: { value: policy } });
}
