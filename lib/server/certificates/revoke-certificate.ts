// Revocation with an RFC 5280 reason: operators revoke anything below the root; org admins revoke
// their own plugin certificates. The answer says what the revocation affects. An org CA under a
// policy of N > 1 revocation approvals is revoked by the N-th distinct operator (pending-revocations.ts).
import { announceIn } from "../db/notify";
import { z } from "zod";
import { db } from "../../db";
import { encodeCrlEntry } from "../../pki/crl/encode-crl";
import { appendAuditEvent } from "../audit/append-audit-event";
import { toBytes } from "../db/bytes";
import { isOperator, isOrgAdmin, type Principal } from "../auth/principal";
import { AppError } from "../errors";
import { refreshRevocationData } from "../revocation/after-revocation";
import { findVisibleCertificate } from "./get-certificate";
import { issuerChain } from "./list-certificates";
import { countRevocationImpact } from "./revocation-impact";
import { serializeCertificate } from "./serialize-certificate";
import { kickWebhookDeliveries } from "../webhooks/deliver-webhooks";
import { kickMailDelivery } from "../mail/deliver-mail";
import { mailCertificateRevoked } from "../notifications/mail-notices";
import { certificateEventData, enqueueWebhookEvent } from "../webhooks/enqueue-webhook-event";
import { requireSecondFactor } from "../auth/require-second-factor";
import { voteOrgCaRevocation } from "./pending-revocations";

export const REVOCATION_REASONS = ["unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded", "cessationOfOperation", "privilegeWithdrawn"] as const;

export const revokeInput = z.object({
  reason: z.enum(REVOCATION_REASONS),
  invalidityDate: z.iso.datetime({ offset: true }).optional(),
});

export async function revokeCertificate(actor: Principal, serialHex: string, raw: z.input<typeof revokeInput>, now = new Date()) {
  const input = revokeInput.parse(raw);
  const cert = await findVisibleCertificate(actor, serialHex);
  if (cert.kind === "root_ca") throw new AppError("conflict", "The Root CA is not revoked; it is retired by rotating to a new root");
  const allowed = isOperator(actor) || (cert.kind === "plugin" && cert.orgId !== null && isOrgAdmin(actor, cert.orgId));
  if (!allowed) throw new AppError("forbidden", cert.kind === "plugin" ? "Only an organization admin revokes its plugin certificates" : "Only a store operator revokes CA certificates");
  const client = await db();
  await requireSecondFactor(client, actor, "revoke certificates");
  const issuerKey = cert.issuerCaId ? await client.certificateAuthority.findUnique({ where: { id: cert.issuerCaId }, select: { keyId: true, kind: true } }) : null;
  // Its CRL is the one the organization signs: Signet's records follow that CRL, never the reverse.
  if (issuerKey?.kind === "org" && !issuerKey.keyId) throw new AppError("conflict", "This certificate's CA key is held by its organization: revoke it by uploading a CRL that lists it (POST /api/v1/cas/{caId}/crl)");
  const invalidityDate = input.invalidityDate ? new Date(input.invalidityDate) : undefined;
  if (invalidityDate && invalidityDate.getTime() > now.getTime()) throw new AppError("bad_request", "The invalidity date cannot be in the future");
  const revokedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const outcome = await client.$transaction(async (tx) => {
    const rows = await tx.$queryRawUnsafe<{ status: string }[]>(`SELECT status::text AS status FROM certificate WHERE id = $1 FOR UPDATE`, cert.id);
    if (rows[0]?.status !== "issued") throw new AppError("conflict", "The certificate is already revoked");
    const invalidity = invalidityDate ? new Date(Math.floor(invalidityDate.getTime() / 1000) * 1000) : undefined;
    // Under the row lock: store policy may want more operators before an org CA is revoked.
    const vote = cert.kind === "org_ca" ? await voteOrgCaRevocation(tx, actor, cert, { reason: input.reason, invalidityDate: invalidity }) : undefined;
    if (vote && !vote.revoke) return { pending: vote.pending };
    const approvedBy = vote?.approvals?.by.map((a) => a.email);
    await tx.revocation.create({
      data: {
        certificateId: cert.id,
        issuerCaId: cert.issuerCaId!,
        serialHex: cert.serialHex,
        reason: input.reason,
        revokedAt,
        invalidityDate: invalidity ?? null,
        revokedById: actor.kind === "user" ? actor.userId : null,
        crlEntry: toBytes(encodeCrlEntry({ serial: cert.serialHex, revocationDate: revokedAt, reason: input.reason, invalidityDate: invalidity })),
      },
    });
    await tx.certificate.update({ where: { id: cert.id }, data: { status: "revoked" } });
    // Only the CA's current certificate revokes the CA: an older one of the same key (a renewal) goes alone.
    if (cert.kind === "org_ca") {
      const cas = await tx.certificateAuthority.findMany({ where: { certificateId: cert.id }, select: { id: true } });
      await tx.certificateAuthority.updateMany({ where: { certificateId: cert.id }, data: { status: "revoked" } });
      for (const ca of cas) await announceIn(tx, { kind: "ca", caId: ca.id });
    }
    const summary = await countRevocationImpact(tx, cert);
    await appendAuditEvent(tx, {
      actor,
      action: "certificate.revoked",
      subjectType: "certificate",
      subjectId: cert.id,
      orgId: cert.orgId,
      details: { serial: cert.serialHex, kind: cert.kind, reason: input.reason, invalidityDate: invalidityDate?.toISOString() ?? null, affects: summary, ...(approvedBy ? { approvedBy } : {}) },
    });
    await enqueueWebhookEvent(tx, "certificate.revoked", cert.orgId, async () => ({
      ...(await certificateEventData(tx, cert)),
      reason: input.reason,
      revokedAt: revokedAt.toISOString(),
      invalidityDate: invalidityDate?.toISOString() ?? null,
      affects: summary,
    }));
    await mailCertificateRevoked(tx, cert, input.reason, revokedAt);
    return { affects: summary, approvals: vote?.approvals };
  });
  if ("pending" in outcome) {
    // Recorded, nothing revoked yet: the certificate as it stands and what is still missing.
    return { ...serializeCertificate(cert, await issuerChain(client, cert.issuerCaId)), pendingRevocation: outcome.pending };
  }
  kickWebhookDeliveries();
  kickMailDelivery();
  await refreshRevocationData(cert.issuerCaId!, cert.serialHex);
  const updated = await findVisibleCertificate(actor, cert.serialHex);
  return { ...serializeCertificate(updated, await issuerChain(client, updated.issuerCaId)), affects: outcome.affects, ...(outcome.approvals ? { approvals: outcome.approvals } : {}) };
}
