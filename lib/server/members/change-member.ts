// Role changes and removals. An organization always keeps one admin: the last cannot be demoted,
// removed or leave (409), checked under the organization's membership lock.
import { z } from "zod";
import { db } from "../../db";
import { appendAuditEvent } from "../audit/append-audit-event";
import { isOrgAdmin, membershipIn, requireUser, type Principal } from "../auth/principal";
import { AppError } from "../errors";
import { adminCount, lockMembers, MEMBER_ROLES, orgForMembers, publicRole } from "./member-access";

export const changeRoleInput = z.object({ role: z.enum(MEMBER_ROLES) }).strict();

const userIdParam = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "Not a user id");

export async function changeMemberRole(principal: Principal, slug: string, rawUserId: string, raw: z.input<typeof changeRoleInput>) {
  const { role } = changeRoleInput.parse(raw);
  const { user, org } = await orgForMembers(principal, slug, "manage");
  const userId = userIdParam.parse(rawUserId);
  return (await db()).$transaction(async (tx) => {
    await lockMembers(tx, org.id);
    const member = await tx.member.findUnique({ where: { organizationId_userId: { organizationId: org.id, userId } }, include: { user: { select: { email: true, name: true } } } });
    if (!member) throw new AppError("not_found", "Member not found");
    const from = publicRole(member.role);
    if (from === "admin" && role === "member" && (await adminCount(tx, org.id)) <= 1) {
      throw new AppError("conflict", "The last admin of an organization cannot be demoted: make another member admin first");
    }
    if (from !== role) {
      await tx.member.update({ where: { id: member.id }, data: { role } });
      await appendAuditEvent(tx, { actor: user, action: "member.role_changed", subjectType: "user", subjectId: userId, orgId: org.id, details: { email: member.user.email, from, to: role } });
    }
    return { userId, name: member.user.name, email: member.user.email, role, joinedAt: member.createdAt.toISOString() };
  });
}

/** An admin removes a member; any member removes themselves (leaves). */
export async function removeMember(principal: Principal, slug: string, rawUserId: string) {
  const actor = requireUser(principal);
  const userId = userIdParam.parse(rawUserId);
  const leaving = actor.userId === userId;
  const own = leaving ? await orgOfMember(principal, slug) : undefined;
  const { org } = own ? { org: own } : await orgForMembers(principal, slug, "manage");
  await (await db()).$transaction(async (tx) => {
    await lockMembers(tx, org.id);
    const member = await tx.member.findUnique({ where: { organizationId_userId: { organizationId: org.id, userId } }, include: { user: { select: { email: true } } } });
    if (!member) throw new AppError("not_found", "Member not found");
    if (publicRole(member.role) === "admin" && (await adminCount(tx, org.id)) <= 1) {
      throw new AppError("conflict", leaving ? "The last admin of an organization cannot leave it: make another member admin first" : "The last admin of an organization cannot be removed");
    }
    await tx.member.delete({ where: { id: member.id } });
    await appendAuditEvent(tx, {
      actor,
      action: leaving ? "member.left" : "member.removed",
      subjectType: "user",
      subjectId: userId,
      orgId: org.id,
      details: { email: member.user.email, role: publicRole(member.role), byAdmin: !leaving || isOrgAdmin(actor, org.id) },
    });
  });
  return { removed: true, userId };
}

async function orgOfMember(principal: Principal, slug: string) {
  const actor = requireUser(principal);
  const org = await (await db()).organization.findUnique({ where: { slug }, select: { id: true, name: true, slug: true, status: true } });
  return org && membershipIn(actor, org.id) ? org : undefined;
}
