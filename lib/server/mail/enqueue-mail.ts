// Queues a message inside the caller's transaction: it exists iff the change it tells about
// commits. Sending happens after commit (kickMailDelivery), so a mail server that is down or slow
// never fails or delays the workflow.
import crypto from "node:crypto";
import type { Tx } from "../../db";
import type { ComposedMail, MailKind } from "./compose-mail";

export async function enqueueMail(tx: Tx, to: string | string[], kind: MailKind, mail: ComposedMail, orgId: string | null = null, now = new Date()): Promise<number> {
  const recipients = [...new Set((Array.isArray(to) ? to : [to]).map((a) => a.toLowerCase()))];
  if (recipients.length === 0) return 0;
  await tx.mailMessage.createMany({
    data: recipients.map((address) => ({ id: crypto.randomUUID(), kind, to: address, orgId, ...mail, nextAttemptAt: now })),
  });
  return recipients.length;
}

/** The addresses that hear about an organization's certificates: its admins', and its contact address once verified. */
export async function orgAdminAddresses(tx: Tx, orgId: string): Promise<string[]> {
  const [admins, org] = await Promise.all([
    tx.member.findMany({ where: { organizationId: orgId, role: { in: ["owner", "admin"] } }, select: { user: { select: { email: true, banned: true } } } }),
    tx.organization.findUnique({ where: { id: orgId }, select: { contactEmail: true, contactVerifiedAt: true } }),
  ]);
  const addresses = admins.filter((a) => !a.user.banned).map((a) => a.user.email);
  if (org?.contactEmail && org.contactVerifiedAt) addresses.push(org.contactEmail);
  return [...new Set(addresses.map((a) => a.toLowerCase()))];
}
