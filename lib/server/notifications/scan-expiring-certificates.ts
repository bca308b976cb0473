// The background expiry scan: raises `certificate.expiring` once per certificate and threshold
// (30 days, then again at 7), recorded in expiry_notice so restarts and parallel instances agree.
import { db } from "../../db";
import { kickWebhookDeliveries } from "../webhooks/deliver-webhooks";
import { kickMailDelivery } from "../mail/deliver-mail";
import { mailCertificateExpiring } from "./mail-notices";
import { certificateEventData, enqueueWebhookEvent } from "../webhooks/enqueue-webhook-event";
import { EXPIRY_WARNING_DAYS, findExpiringCertificates } from "./expiring-certificates";

export const EXPIRY_THRESHOLDS_DAYS = [EXPIRY_WARNING_DAYS, 7] as const;

export async function scanExpiringCertificates(now = new Date()): Promise<{ raised: { serial: string; thresholdDays: number }[] }> {
  const client = await db();
  const expiring = await findExpiringCertificates(client, {}, now);
  const raised: { serial: string; thresholdDays: number }[] = [];
  for (const cert of expiring) {
    const reached = EXPIRY_THRESHOLDS_DAYS.filter((t) => cert.daysLeft <= t);
    const tightest = Math.min(...reached);
    const fresh = await client.$transaction(async (tx) => {
      // Only the transaction that inserts the tightest notice raises the event (ON CONFLICT: another
      // instance, or an earlier scan, got there first). Wider thresholds are marked as passed too.
      const inserted = await tx.$executeRawUnsafe(
        `INSERT INTO expiry_notice ("certificateId", "thresholdDays") VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        cert.id,
        tightest,
      );
      if (inserted === 0) return false;
      for (const t of reached.filter((t) => t !== tightest)) {
        await tx.$executeRawUnsafe(`INSERT INTO expiry_notice ("certificateId", "thresholdDays") VALUES ($1, $2) ON CONFLICT DO NOTHING`, cert.id, t);
      }
      await enqueueWebhookEvent(tx, "certificate.expiring", cert.orgId, async () => ({ ...(await certificateEventData(tx, cert)), daysLeft: cert.daysLeft, thresholdDays: tightest }), now);
      await mailCertificateExpiring(tx, cert, cert.daysLeft);
      return true;
    });
    if (fresh) raised.push({ serial: cert.serialHex, thresholdDays: tightest });
  }
  if (raised.length) {
    kickWebhookDeliveries();
    kickMailDelivery();
  }
  return { raised };
}
