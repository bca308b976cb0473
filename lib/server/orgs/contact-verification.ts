// The organization's contact address is verified by following a single-use, expiring link mailed
// to it at registration. Until then an operator cannot approve the organization CA: revocation
// notices and expiry warnings go to that address, and an unverified one could be anybody's.
import crypto from "node:crypto";
import { z } from "zod";
import type { Tx } from "../../db";
import { db } from "../../db";
import { appendAuditEvent } from "../audit/append-audit-event";
import { ANONYMOUS, isOperator, isOrgAdmin, requireUser, type Principal } from "../auth/principal";
import { AppError } from "../errors";
import { composeMail, consoleLink } from "../mail/compose-mail";
import { kickMailDelivery } from "../mail/deliver-mail";
import { enqueueMail } from "../mail/enqueue-mail";
import { hashLinkToken, LINK_TOKEN_PATTERN, newLinkToken } from "../mail/single-use-token";

export const CONTACT_LINK_HOURS = 48;
const IDENTIFIER_PREFIX = "org-contact:";

/** Inside the registering transaction: a fresh link (any earlier one stops working) and its mail. */
export async function queueContactVerification(tx: Tx, org: { id: string; name: string; contactEmail: string }, now = new Date()): Promise<void> {
  const { token, hash } = newLinkToken();
  await tx.verification.deleteMany({ where: { identifier: IDENTIFIER_PREFIX + org.id } });
  await tx.verification.create({
    data: { id: crypto.randomUUID(), identifier: IDENTIFIER_PREFIX + org.id, value: hash, expiresAt: new Date(now.getTime() + CONTACT_LINK_HOURS * 3_600_000) },
  });
  await enqueueMail(
    tx,
    org.contactEmail,
    "contact-verification",
    composeMail({
      subject: `Confirm the contact address of ${org.name} on Signet`,
      paragraphs: [
        `This address was given as the contact of the organization "${org.name}" registering with a Signet plugin store.`,
        `The store's operators can approve the organization only once the address is confirmed. The link works once, for ${CONTACT_LINK_HOURS} hours.`,
        "If you did not expect this, ignore this message.",
      ],
      link: { label: "Confirm the address", url: consoleLink(`/verify-contact/${token}`) },
    }),
    org.id,
    now,
  );
}

export const verifyTokenParam = z.string().regex(LINK_TOKEN_PATTERN, "The verification link is malformed");

export async function verifyContactAddress(rawToken: string, now = new Date()) {
  const token = verifyTokenParam.parse(rawToken);
  const client = await db();
  const result = await client.$transaction(async (tx) => {
    // Deleting the row is what makes the link single-use: of two concurrent clicks one deletes it.
    const rows = await tx.$queryRawUnsafe<{ identifier: string; expiresAt: Date }[]>(
      `DELETE FROM verification WHERE value = $1 AND identifier LIKE '${IDENTIFIER_PREFIX}%' RETURNING identifier, "expiresAt"`,
      hashLinkToken(token),
    );
    if (rows.length === 0) throw new AppError("not_found", "This verification link is unknown or was already used");
    if (rows[0].expiresAt.getTime() <= now.getTime()) throw new AppError("conflict", "This verification link has expired; an organization admin can send a new one");
    const orgId = rows[0].identifier.slice(IDENTIFIER_PREFIX.length);
    const org = await tx.organization.update({ where: { id: orgId }, data: { contactVerifiedAt: now }, select: { id: true, slug: true, contactEmail: true } });
    await appendAuditEvent(tx, { actor: ANONYMOUS, action: "org.contact_verified", subjectType: "org", subjectId: org.id, orgId: org.id, details: { contactEmail: org.contactEmail } });
    return org;
  });
  return { org: { slug: result.slug, contactEmail: result.contactEmail, contactVerified: true } };
}

/** An org admin (or an operator) sends a new link, e.g. after the first expired. */
export async function resendContactVerification(principal: Principal, slug: string, now = new Date()) {
  const actor = requireUser(principal);
  const client = await db();
  const org = await client.organization.findUnique({ where: { slug }, select: { id: true, name: true, contactEmail: true, contactVerifiedAt: true } });
  if (!org || !(isOperator(actor) || actor.memberships.some((m) => m.orgId === org.id))) throw new AppError("not_found", "Organization not found");
  if (!isOperator(actor) && !isOrgAdmin(actor, org.id)) throw new AppError("forbidden", "Only an organization admin asks for a new verification link");
  if (org.contactVerifiedAt) throw new AppError("conflict", "The contact address is already verified");
  if (!org.contactEmail) throw new AppError("conflict", "The organization has no contact address");
  await client.$transaction(async (tx) => {
    await queueContactVerification(tx, { id: org.id, name: org.name, contactEmail: org.contactEmail! }, now);
    await appendAuditEvent(tx, { actor, action: "org.contact_verification_sent", subjectType: "org", subjectId: org.id, orgId: org.id, details: { contactEmail: org.contactEmail } });
  });
  kickMailDelivery();
  return { sent: true, expiresInHours: CONTACT_LINK_HOURS };
}
