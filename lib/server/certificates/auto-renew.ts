// Automatic renewal (store policy autoRenewDays > 0): a plugin certificate on a hosted key that
// expires within that many days, and that nothing newer already replaces, is renewed on the same
// key by the system, through the same request-and-approval workflow a person's renewal takes (a
// request naming the renewed certificate, approved in one transaction, audited as `system:auto-renew`).
// Organization CAs are not renewed by themselves: their approval may need several operators.
import { db } from "../../db";
import { systemPrincipal } from "../auth/principal";
import { approvePluginCert } from "../requests/approve-request";
import { lockPluginId } from "../requests/lock-plugin-id";
import { appendAuditEvent } from "../audit/append-audit-event";
import { readStorePolicy } from "../settings/store-policy";
import { kickWebhookDeliveries } from "../webhooks/deliver-webhooks";
import { kickMailDelivery } from "../mail/deliver-mail";

const SYSTEM = systemPrincipal("auto-renew");

export async function autoRenewCertificates(now = new Date()): Promise<{ renewed: { from: string; to: string }[]; failed: { serial: string; error: string }[] }> {
  const client = await db();
  const policy = await readStorePolicy(client);
  const renewed: { from: string; to: string }[] = [];
  const failed: { serial: string; error: string }[] = [];
  if (policy.autoRenewDays <= 0) return { renewed, failed };
  const horizon = new Date(now.getTime() + policy.autoRenewDays * 86_400_000);
  const due = await client.certificate.findMany({
    where: { kind: "plugin", status: "issued", keyId: { not: null }, notAfter: { gt: now, lte: horizon }, org: { status: "approved" }, issuerCa: { keyId: { not: null } } },
    orderBy: { notAfter: "asc" },
    take: 500,
    select: { id: true, serialHex: true, orgId: true, pluginId: true, notAfter: true, subject: true, keyId: true, request: { select: { keyAlgorithm: true } } },
  });
  for (const cert of due) {
    try {
      const to = await client.$transaction(
        async (tx) => {
          await lockPluginId(tx, cert.orgId!, cert.pluginId!);
          // Replaced already (a renewal, a re-key), or a request a person is deciding: leave it.
          const newer = await tx.certificate.findFirst({ where: { orgId: cert.orgId, pluginId: cert.pluginId, kind: "plugin", status: "issued", notAfter: { gt: cert.notAfter } }, select: { id: true } });
          const pending = await tx.certificateRequest.findFirst({ where: { orgId: cert.orgId!, pluginId: cert.pluginId, kind: "plugin_cert", status: "pending" }, select: { id: true } });
          if (newer || pending) return null;
          const request = await tx.certificateRequest.create({
            data: { kind: "plugin_cert", orgId: cert.orgId!, pluginId: cert.pluginId, keyMode: "hosted", subject: cert.subject, keyAlgorithm: cert.request?.keyAlgorithm ?? "rsa-3072", renewsCertificateId: cert.id },
          });
          await appendAuditEvent(tx, { actor: SYSTEM, action: "request.created", subjectType: "request", subjectId: request.id, orgId: cert.orgId, details: { kind: "plugin_cert", pluginId: cert.pluginId, keyMode: "hosted", renews: cert.serialHex, automatic: true, autoRenewDays: policy.autoRenewDays } });
          const issued = await approvePluginCert(tx, SYSTEM, request, now, policy.pluginCertValidityDays);
          return issued.certificate.serial;
        },
        { timeout: 60_000, maxWait: 60_000 },
      );
      if (to) renewed.push({ from: cert.serialHex, to });
    } catch (err) {
      failed.push({ serial: cert.serialHex, error: err instanceof Error ? err.message : String(err) });
      console.error(`[signet] automatic renewal of ${cert.serialHex} failed:`, err instanceof Error ? err.message : err);
    }
  }
  if (renewed.length) {
    kickWebhookDeliveries();
    kickMailDelivery();
  }
  return { renewed, failed };
}
