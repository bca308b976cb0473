// Writes an event into the delivery outbox inside the caller's transaction: the event exists iff
// the change that caused it commits. Sending happens after commit (kickWebhookDeliveries).
import crypto from "node:crypto";
import type { Tx } from "../../db";
import { env } from "../../env";
import type { WebhookEvent } from "./webhook-events";

/**
 * `data` is built only when some webhook listens, so workflows pay nothing when none is registered.
 * `orgId` is the organization the event is about: the store's webhooks (no orgId) receive every
 * event, an organization's own webhooks only that organization's.
 */
export async function enqueueWebhookEvent(
  tx: Tx,
  event: WebhookEvent,
  orgId: string | null,
  data: () => Promise<Record<string, unknown>> | Record<string, unknown>,
  now = new Date(),
): Promise<number> {
  const hooks = await tx.webhook.findMany({ where: { events: { has: event }, OR: [{ orgId: null }, ...(orgId ? [{ orgId }] : [])] }, select: { id: true } });
  if (hooks.length === 0) return 0;
  const body = JSON.stringify({ id: crypto.randomUUID(), type: event, createdAt: now.toISOString(), consoleUrl: env().publicUrl, data: await data() });
  await tx.webhookDelivery.createMany({
    data: hooks.map((h) => ({ id: crypto.randomUUID(), webhookId: h.id, event, body, nextAttemptAt: now })),
  });
  return hooks.length;
}

/** Webhook payload fields for an artifact row. */
export async function artifactEventData(tx: Tx, a: { id: string; orgId: string; pluginId: string; version: string; sha256: string; target: string }): Promise<Record<string, unknown>> {
  const org = await tx.organization.findUnique({ where: { id: a.orgId }, select: { slug: true } });
  return { artifactId: a.id, orgSlug: org?.slug ?? null, pluginId: a.pluginId, version: a.version, sha256: a.sha256, target: a.target, url: `${env().publicUrl}/api/v1/artifacts/${a.id}` };
}

/** Webhook payload fields for a certificate row, with the organization's slug rather than its id. */
export async function certificateEventData(
  tx: Tx,
  c: { serialHex: string; kind: string; subject: string; orgId: string | null; pluginId: string | null; notBefore: Date; notAfter: Date },
): Promise<Record<string, unknown>> {
  const org = c.orgId ? await tx.organization.findUnique({ where: { id: c.orgId }, select: { slug: true } }) : null;
  return {
    serial: c.serialHex,
    kind: c.kind.replace("_", "-"),
    subject: c.subject,
    orgSlug: org?.slug ?? null,
    pluginId: c.pluginId,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    url: `${env().publicUrl}/certificates/${c.serialHex}`,
  };
}
