// Background work of the console: the expiry scan, and retries of webhook deliveries and mail that failed
// (first attempts are sent right after the commit that caused them).
import { registerJob } from "../startup/background-jobs";
import { deliverDueMail } from "../mail/deliver-mail";
import { deliverDueWebhooks } from "../webhooks/deliver-webhooks";
import { scanExpiringCertificates } from "./scan-expiring-certificates";
import { autoRenewCertificates } from "../certificates/auto-renew";

export function registerConsoleWork(): void {
  registerJob({ name: "expiry-scan", everyMs: 60 * 60_000, run: async () => void (await scanExpiringCertificates()) });
  registerJob({ name: "auto-renew", everyMs: 60 * 60_000, run: async () => void (await autoRenewCertificates()) });
  registerJob({ name: "webhook-delivery", everyMs: 30_000, run: async () => void (await deliverDueWebhooks()) });
  registerJob({ name: "mail-delivery", everyMs: 30_000, run: async () => void (await deliverDueMail()) });
}
