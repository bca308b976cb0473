// Who may see and change an organization's membership: its admins (owner or admin) change it;
// store operators may look. Anyone else gets 404, as for every other org-scoped row.
import type { Tx } from "../../db";
import { db } from "../../db";
import { isOperator, isOrgAdmin, membershipIn, requireUser, type Principal, type UserPrincipal } from "../auth/principal";
import { AppError } from "../errors";

export const MEMBER_ROLES = ["admin", "member"] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** "owner" (the registering admin) is an admin like any other in Signet's model. */
export function publicRole(stored: string): MemberRole {
  return stored === "owner" || stored === "admin" ? "admin" : "member";
}

export async function orgForMembers(principal: Principal, slug: string, need: "read" | "manage", what = "members"): Promise<{ user: UserPrincipal; org: { id: string; name: string; slug: string; status: string } }> {
  const user = requireUser(principal);
  const org = await (await db()).organization.findUnique({ where: { slug }, select: { id: true, name: true, slug: true, status: true } });
  if (!org || !(membershipIn(user, org.id) || isOperator(user))) throw new AppError("not_found", "Organization not found");
  if (isOrgAdmin(user, org.id)) return { user, org };
  if (need === "read" && isOperator(user)) return { user, org };
  throw new AppError("forbidden", need === "read" ? `Only the organization's admins see its ${what}` : `Only the organization's admins manage its ${what}`);
}

const MEMBERS_LOCK = 72_707_020;

/** Membership changes of one organization queue here, so the last-admin check cannot race. */
export async function lockMembers(tx: Tx, orgId: string): Promise<void> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${MEMBERS_LOCK}, hashtext($1))`, orgId);
}

export async function adminCount(tx: Tx, orgId: string): Promise<number> {
  return tx.member.count({ where: { organizationId: orgId, role: { in: ["owner", "admin"] }, user: { banned: { not: true } } } });
}
