// Sends due outbox rows: POST with the HMAC signature headers, retried with backoff, every attempt
// recorded on the row. Rows are claimed with SKIP LOCKED so several instances never send one twice
// at the same time; a receiver may still see a delivery again after a crash and dedupes by
// X-Signet-Delivery.
import { db } from "../../db";
import { afterAttempt, BATCH, CLAIM_MS, createOutboxRunner } from "../outbox/outbox-runner";
import { openWebhookSecret, webhookSignature } from "./webhook-secret";

const TIMEOUT_MS = 10_000;

type Claimed = { id: string; webhookId: string; event: string; body: string; attempts: number; url: string; sealedSecret: Uint8Array };

async function claimDue(now: Date): Promise<Claimed[]> {
  const client = await db();
  return client.$queryRawUnsafe<Claimed[]>(
    `UPDATE webhook_delivery d SET "lockedUntil" = $2
       FROM webhook w
      WHERE w.id = d."webhookId" AND d.id IN (
        SELECT id FROM webhook_delivery
         WHERE status = 'pending' AND "nextAttemptAt" <= $1 AND ("lockedUntil" IS NULL OR "lockedUntil" < $1)
         ORDER BY "nextAttemptAt" LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
      RETURNING d.id, d."webhookId", d.event, d.body, d.attempts, w.url, w."sealedSecret"`,
    now,
    new Date(now.getTime() + CLAIM_MS),
  );
}

async function send(d: Claimed): Promise<{ ok: boolean; status: number | null; error: string | null }> {
  try {
    const res = await fetch(d.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Signet-Webhooks/1",
        "x-signet-event": d.event,
        "x-signet-delivery": d.id,
        "x-signet-signature": webhookSignature(openWebhookSecret(d.webhookId, d.sealedSecret), d.body),
      },
      body: d.body,
      // A redirect could point the signed body anywhere; receivers must answer at the registered URL.
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
      cache: "no-store",
    });
    await res.body?.cancel().catch(() => {});
    return { ok: res.status >= 200 && res.status < 300, status: res.status, error: res.status >= 300 && res.status < 400 ? "redirects are not followed" : null };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { ok: false, status: null, error: (cause ?? (err instanceof Error ? err.message : "delivery failed")).slice(0, 300) };
  }
}

async function attempt(d: Claimed, now: Date): Promise<void> {
  const result = await send(d);
  const { failedForGood: _, ...next } = afterAttempt(d.attempts + 1, result.ok, now);
  await (await db()).webhookDelivery.update({
    where: { id: d.id },
    data: { ...next, responseStatus: result.status, lastError: result.ok ? null : (result.error ?? `HTTP ${result.status}`) },
  });
}

const runner = createOutboxRunner("webhook", { claimDue, attempt });

/** Sends everything due at `now` (tests pass a later `now` to reach retries). Returns rows attempted. */
export const deliverDueWebhooks = runner.deliverDue;
/** Fire-and-forget after a commit: the request that caused the event never waits for a receiver. */
export const kickWebhookDeliveries = runner.kick;
/** Lets tests wait for a kicked delivery round to finish. */
export const webhookDeliveriesSettled = runner.settled;
export { MAX_ATTEMPTS, RETRY_DELAYS_MS } from "../outbox/outbox-runner";
