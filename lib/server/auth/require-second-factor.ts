// Store policy `requireSecondFactor`: before an approval, rejection, revocation or key use (archive
// signing, API token creation), the people it names must be acting through a session that was
// created with a second factor (TOTP, a recovery code or a passkey), or a token of someone enrolled.
import type { Db, Tx } from "../../db";
import { AppError } from "../errors";
import { readStorePolicy, type StorePolicy } from "../settings/store-policy";
import { isOperator, type Principal } from "./principal";

export const SECOND_FACTOR_ENROLL_PATH = "/settings/security";

export function secondFactorApplies(policy: StorePolicy["requireSecondFactor"], actor: Principal): boolean {
  if (actor.kind !== "user" || policy === "none") return false;
  if (isOperator(actor)) return true;
  // "admins": operators and every organization's admins (owners included).
  return policy === "admins" && actor.memberships.some((m) => m.role === "owner" || m.role === "admin");
}

/** Throws 403 "second factor required" when the policy applies to the actor and it has none. */
export async function requireSecondFactor(client: Db | Tx, actor: Principal, what: string): Promise<void> {
  if (actor.kind !== "user" || actor.secondFactor) return;
  const { requireSecondFactor: policy } = await readStorePolicy(client);
  if (!secondFactorApplies(policy, actor)) return;
  const detail =
    actor.via === "token"
      ? `Second factor required: store policy requires a second factor to ${what}; enroll TOTP or a passkey for the token's owner`
      : `Second factor required: store policy requires you to sign in with a second factor to ${what}; enroll TOTP or a passkey under Settings → Security, then sign in with it`;
  throw new AppError("forbidden", detail, { secondFactorRequired: true, enrollUrl: SECOND_FACTOR_ENROLL_PATH });
}
