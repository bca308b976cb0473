// Invitations: an org admin names an address and a role; Signet mails a single-use link that
// expires (7 days). Only the token's SHA-256 is stored. Accepting makes a membership, for a new
// account ({name, password}) or for the signed-in user whose address the invitation names.
import crypto from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import { z } from "zod";
import { db } from "../../db";
import { appendAuditEvent } from "../audit/append-audit-event";
import { MIN_PASSWORD_LENGTH, OPERATOR_ROLE } from "../auth/auth";
import { type Principal } from "../auth/principal";
import { requireOperatorFor } from "../auth/require-operator";
import { AppError } from "../errors";
import { composeMail, consoleLink } from "../mail/compose-mail";
import { kickMailDelivery } from "../mail/deliver-mail";
import { enqueueMail } from "../mail/enqueue-mail";
import { hashLinkToken, LINK_TOKEN_PATTERN, newLinkToken } from "../mail/single-use-token";
import { lockMembers, MEMBER_ROLES, orgForMembers } from "./member-access";

export const INVITATION_DAYS = 7;

export const inviteInput = z.object({ email: z.string().trim().toLowerCase().email().max(254), role: z.enum(MEMBER_ROLES).default("member") }).strict();

export async function inviteMember(principal: Principal, slug: string, raw: z.input<typeof inviteInput>, now = new Date()) {
  const input = inviteInput.parse(raw);
  const { user, org } = await orgForMembers(principal, slug, "manage");
  const { token, hash } = newLinkToken();
  const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + INVITATION_DAYS * 86_400_000);
  const invitation = await (await db()).$transaction(async (tx) => {
    await lockMembers(tx, org.id);
    const already = await tx.member.findFirst({ where: { organizationId: org.id, user: { email: input.email } }, select: { id: true } });
    if (already) throw new AppError("conflict", `${input.email} is already a member of ${org.name}`);
    // A new invitation to the same address replaces the old one: one live link per person.
    await tx.invitation.updateMany({ where: { organizationId: org.id, email: input.email, status: "pending" }, data: { status: "canceled" } });
    const created = await tx.invitation.create({
      data: { id: crypto.randomUUID(), organizationId: org.id, email: input.email, role: input.role, status: "pending", expiresAt, inviterId: user.userId, tokenHash: hash },
      select: { id: true, expiresAt: true },
    });
    await enqueueMail(
      tx,
      input.email,
      "invitation",
      composeMail({
        subject: `${user.email} invites you to ${org.name} on Signet`,
        paragraphs: [
          `${user.email} invites you to join the organization "${org.name}" as ${input.role === "admin" ? "an admin" : "a member"} in a Signet plugin store.`,
          `The link works once, until ${expiresAt.toISOString()}.`,
          "If you did not expect this, ignore this message.",
        ],
        link: { label: "Accept the invitation", url: consoleLink(`/invite/${token}`) },
      }),
      org.id,
      now,
    );
    await appendAuditEvent(tx, { actor: user, action: "member.invited", subjectType: "invitation", subjectId: created.id, orgId: org.id, details: { email: input.email, role: input.role, expiresAt: expiresAt.toISOString() } });
    return created;
  });
  kickMailDelivery();
  return { id: invitation.id, email: input.email, role: input.role, expiresAt: invitation.expiresAt.toISOString() };
}

// Operator invitations queue with each other (and with accepting one) under this key.
const OPERATORS_LOCK_KEY = "signet/operators";

export const inviteOperatorInput = z.object({ email: z.string().trim().toLowerCase().email().max(254) }).strict();

/** The same table, link and accept flow as members' invitations, with role "operator" and no organization. */
export async function inviteOperator(principal: Principal, raw: z.input<typeof inviteOperatorInput>, now = new Date()) {
  const user = requireOperatorFor(principal, "invite operators");
  const input = inviteOperatorInput.parse(raw);
  const { token, hash } = newLinkToken();
  const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + INVITATION_DAYS * 86_400_000);
  const invitation = await (await db()).$transaction(async (tx) => {
    await lockMembers(tx, OPERATORS_LOCK_KEY);
    const existing = await tx.user.findUnique({ where: { email: input.email }, select: { role: true, banned: true } });
    if (existing?.role === OPERATOR_ROLE) throw new AppError("conflict", `${input.email} is already a store operator${existing.banned ? " (disabled)" : ""}`);
    if (existing?.banned) throw new AppError("conflict", `The account ${input.email} is disabled`);
    await tx.invitation.updateMany({ where: { organizationId: null, email: input.email, status: "pending" }, data: { status: "canceled" } });
    const created = await tx.invitation.create({
      data: { id: crypto.randomUUID(), organizationId: null, email: input.email, role: OPERATOR_ROLE, status: "pending", expiresAt, inviterId: user.userId, tokenHash: hash },
      select: { id: true, expiresAt: true },
    });
    await enqueueMail(
      tx,
      input.email,
      "invitation",
      composeMail({
        subject: `${user.email} invites you to be an operator of a Signet plugin store`,
        paragraphs: [
          `${user.email} invites you to become an operator of a Signet plugin store: operators approve organizations' CAs, revoke certificates and manage the store.`,
          `The link works once, until ${expiresAt.toISOString()}.`,
          "If you did not expect this, ignore this message.",
        ],
        link: { label: "Accept the invitation", url: consoleLink(`/invite/${token}`) },
      }),
      null,
      now,
    );
    await appendAuditEvent(tx, { actor: user, action: "operator.invited", subjectType: "invitation", subjectId: created.id, details: { email: input.email, expiresAt: expiresAt.toISOString() } });
    return created;
  });
  kickMailDelivery();
  return { id: invitation.id, email: input.email, role: OPERATOR_ROLE, expiresAt: invitation.expiresAt.toISOString() };
}

/** Settings → Operators: invitations still waiting. */
export async function listOperatorInvitations(principal: Principal) {
  requireOperatorFor(principal, "list operator invitations");
  const rows = await (await db()).invitation.findMany({ where: { organizationId: null, role: OPERATOR_ROLE, status: "pending" }, orderBy: { createdAt: "desc" }, select: { id: true, email: true, expiresAt: true, createdAt: true } });
  return rows.map((i) => ({ id: i.id, email: i.email, expiresAt: i.expiresAt.toISOString(), createdAt: i.createdAt.toISOString(), expired: i.expiresAt.getTime() <= Date.now() }));
}

export async function listInvitations(principal: Principal, slug: string) {
  const { org } = await orgForMembers(principal, slug, "read");
  const rows = await (await db()).invitation.findMany({ where: { organizationId: org.id, status: "pending" }, orderBy: { createdAt: "desc" }, select: { id: true, email: true, role: true, expiresAt: true, createdAt: true } });
  return rows.map((i) => ({ id: i.id, email: i.email, role: i.role ?? "member", expiresAt: i.expiresAt.toISOString(), createdAt: i.createdAt.toISOString(), expired: i.expiresAt.getTime() <= Date.now() }));
}

export async function cancelInvitation(principal: Principal, slug: string, id: string) {
  const { user, org } = await orgForMembers(principal, slug, "manage");
  await (await db()).$transaction(async (tx) => {
    const done = await tx.invitation.updateMany({ where: { id, organizationId: org.id, status: "pending" }, data: { status: "canceled" } });
    if (done.count === 0) throw new AppError("not_found", "Invitation not found or no longer pending");
    await appendAuditEvent(tx, { actor: user, action: "member.invitation_canceled", subjectType: "invitation", subjectId: id, orgId: org.id });
  });
  return { canceled: true, id };
}

export const invitationTokenParam = z.string().regex(LINK_TOKEN_PATTERN, "The invitation link is malformed");

async function pendingInvitation(rawToken: string, now: Date) {
  const tokenHash = hashLinkToken(invitationTokenParam.parse(rawToken));
  const invitation = await (await db()).invitation.findUnique({ where: { tokenHash }, include: { organization: { select: { id: true, name: true, slug: true } } } });
  if (!invitation || invitation.status === "canceled") throw new AppError("not_found", "This invitation link is unknown or was withdrawn");
  if (invitation.status !== "pending") throw new AppError("conflict", "This invitation was already accepted");
  if (invitation.expiresAt.getTime() <= now.getTime()) throw new AppError("conflict", "This invitation has expired; ask the organization's admin for a new one");
  return invitation;
}

/** What the accept page shows before anyone acts: anyone holding the link may read it. */
export async function describeInvitation(rawToken: string, now = new Date()) {
  const i = await pendingInvitation(rawToken, now);
  const account = await (await db()).user.findUnique({ where: { email: i.email }, select: { id: true } });
  // An operator invitation names no organization.
  return { orgName: i.organization?.name ?? null, orgSlug: i.organization?.slug ?? null, email: i.email, role: i.role ?? "member", expiresAt: i.expiresAt.toISOString(), accountExists: account !== null };
}

export const acceptInput = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    password: z.string().min(MIN_PASSWORD_LENGTH, `The password needs at least ${MIN_PASSWORD_LENGTH} characters`).max(256).optional(),
  })
  .strict();

export async function acceptInvitation(principal: Principal, rawToken: string, raw: z.input<typeof acceptInput>, now = new Date()) {
  const input = acceptInput.parse(raw ?? {});
  const invitation = await pendingInvitation(rawToken, now);
  const signedIn = principal.kind === "user" ? principal : undefined;
  if (signedIn && signedIn.email !== invitation.email) throw new AppError("forbidden", "This invitation is for another address: sign out, or sign in as the invited person");
  if (!signedIn && !input.password) throw new AppError("bad_request", "Choose a password for your new account (or sign in first if you already have one)");
  const passwordHash = signedIn ? undefined : await hashPassword(input.password!);
  const organization = invitation.organization;
  const role = invitation.role === OPERATOR_ROLE ? OPERATOR_ROLE : invitation.role === "admin" ? "admin" : "member";
  if (!organization && role !== OPERATOR_ROLE) throw new AppError("not_found", "This invitation link is unknown or was withdrawn");
  const result = await (await db()).$transaction(async (tx) => {
    await lockMembers(tx, organization?.id ?? OPERATORS_LOCK_KEY);
    // The row lock makes the link single-use: of two concurrent accepts, the second sees it accepted.
    const rows = await tx.$queryRawUnsafe<{ status: string }[]>(`SELECT status FROM invitation WHERE id = $1 FOR UPDATE`, invitation.id);
    if (rows[0]?.status !== "pending") throw new AppError("conflict", "This invitation was already accepted");
    let userId = signedIn?.userId;
    if (!userId) {
      if (await tx.user.findUnique({ where: { email: invitation.email }, select: { id: true } })) {
        throw new AppError("conflict", "An account with this address exists: sign in, then open the link again");
      }
      userId = crypto.randomUUID();
      // Following the mailed link proves the address.
      await tx.user.create({ data: { id: userId, email: invitation.email, name: input.name ?? invitation.email, emailVerified: true } });
      await tx.account.create({ data: { id: crypto.randomUUID(), accountId: userId, providerId: "credential", userId, password: passwordHash! } });
    }
    if (!organization) {
      if (signedIn?.isOperator) throw new AppError("conflict", "You are already a store operator");
      await tx.user.update({ where: { id: userId }, data: { role: OPERATOR_ROLE } });
    } else {
      if (await tx.member.findUnique({ where: { organizationId_userId: { organizationId: organization.id, userId } }, select: { id: true } })) {
        throw new AppError("conflict", `You are already a member of ${organization.name}`);
      }
      await tx.member.create({ data: { id: crypto.randomUUID(), organizationId: organization.id, userId, role } });
    }
    await tx.invitation.update({ where: { id: invitation.id }, data: { status: "accepted", acceptedAt: now, acceptedById: userId } });
    const actor: Principal = signedIn ?? { kind: "user", userId, email: invitation.email, isOperator: !organization, memberships: [], via: "session" };
    await appendAuditEvent(tx, {
      actor,
      action: organization ? "member.joined" : "operator.joined",
      subjectType: "user",
      subjectId: userId,
      orgId: organization?.id ?? null,
      details: { email: invitation.email, role, invitationId: invitation.id, newAccount: !signedIn },
    });
    return { userId };
  });
  const user = { id: result.userId, email: invitation.email, newAccount: !signedIn };
  return organization ? { membership: { orgSlug: organization.slug, role }, user } : { operator: true as const, user };
}
