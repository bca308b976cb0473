// Revocation with an RFC 5280 reason: operators revoke anything below the root; org admins revoke
// their own plugin certificates. The answer says what the revocation affects.
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
  const affects = await client.$transaction(async (tx) => {
    const rows = await tx.$queryRawUnsafe<{ status: string }[]>(`SELECT status::text AS status FROM certificate WHERE id = $1 FOR UPDATE`, cert.id);
    if (rows[0]?.status !== "issued") throw new AppError("conflict", "The certificate is already revoked");
    const invalidity = invalidityDate ? new Date(Math.floor(invalidityDate.getTime() / 1000) * 1000) : undefined;
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
    if (cert.kind === "org_ca") {
      const ca = await tx.certificateAuthority.update({ where: { certificateId: cert.id }, data: { status: "revoked" }, select: { id: true } });
      await announceIn(tx, { kind: "ca", caId: ca.id });
    }
    const summary = await countRevocationImpact(tx, cert);
    await appendAuditEvent(tx, {
      actor,
      action: "certificate.revoked",
      subjectType: "certificate",
      subjectId: cert.id,
      orgId: cert.orgId,
      details: { serial: cert.serialHex, kind: cert.kind, reason: input.reason, invalidityDate: invalidityDate?.toISOString() ?? null, affects: summary },
    });
    await enqueueWebhookEvent(tx, "certificate.revoked", async () => ({
      ...(await certificateEventData(tx, cert)),
      reason: input.reason,
      revokedAt: revokedAt.toISOString(),
      invalidityDate: invalidityDate?.toISOString() ?? null,
      affects: summary,
    }));
    await mailCertificateRevoked(tx, cert, input.reason, revokedAt);
    return summary;
  });
  kickWebhookDeliveries();
  kickMailDelivery();
  await refreshRevocationData(cert.issuerCaId!, cert.serialHex);
  const updated = await findVisibleCertificate(actor, cert.serialHex);
  return { ...serializeCertificate(updated, await issuerChain(client, updated.issuerCaId)), affects };
}
