// Operators register receivers (the secret is shown once, at creation), list them with their
// delivery health, and remove them. Each change is audited.
import crypto from "node:crypto";
import { z } from "zod";
import { db } from "../../db";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { Principal } from "../auth/principal";
import { requireOperatorFor } from "../auth/require-operator";
import { AppError } from "../errors";
import { orgForMembers } from "../members/member-access";
import { createOrgWebhookInput, createWebhookInput } from "./webhook-events";
import { newWebhookSecret, sealWebhookSecret } from "./webhook-secret";

export type WebhookJson = {
  id: string;
  url: string;
  description: string;
  events: string[];
  secretHint: string;
  createdAt: string;
  deliveries: { pending: number; delivered: number; failed: number; lastAt: string | null; lastStatus: string | null };
};

/** Who manages which webhooks: operators the store's (orgId null), an organization's admins its own. */
type Scope = { orgId: string | null };

async function orgScope(actor: Principal, slug: string, need: "read" | "manage"): Promise<Scope & { userId: string }> {
  const { user, org } = await orgForMembers(actor, slug, need, "webhooks");
  return { orgId: org.id, userId: user.userId };
}

export async function createWebhook(actor: Principal, raw: z.input<typeof createWebhookInput>) {
  const operator = requireOperatorFor(actor, "manage webhooks");
  return insertWebhook(actor, { orgId: null }, operator.userId, createWebhookInput.parse(raw));
}

export async function createOrgWebhook(actor: Principal, slug: string, raw: z.input<typeof createOrgWebhookInput>) {
  const scope = await orgScope(actor, slug, "manage");
  return insertWebhook(actor, scope, scope.userId, createOrgWebhookInput.parse(raw));
}

export async function listOrgWebhooks(actor: Principal, slug: string) {
  return listScoped(await orgScope(actor, slug, "read"));
}

export async function deleteOrgWebhook(actor: Principal, slug: string, id: string) {
  return deleteScoped(actor, await orgScope(actor, slug, "manage"), id);
}

export async function listOrgWebhookDeliveries(actor: Principal, slug: string, id: string) {
  return deliveriesScoped(await orgScope(actor, slug, "read"), id);
}

async function insertWebhook(actor: Principal, scope: Scope, userId: string, input: { url: string; description: string; events: string[] }) {
  const id = crypto.randomUUID();
  const secret = newWebhookSecret();
  const client = await db();
  const webhook = await client.$transaction(async (tx) => {
    const row = await tx.webhook.create({
      data: { id, url: input.url, description: input.description, events: input.events, sealedSecret: sealWebhookSecret(id, secret), secretHint: secret.slice(0, 10), createdById: userId, orgId: scope.orgId },
    });
    await appendAuditEvent(tx, { actor, action: "webhook.created", subjectType: "webhook", subjectId: id, orgId: scope.orgId, details: { url: input.url, events: input.events } });
    return row;
  });
  return { webhook: toJson(webhook, []), secret };
}

export async function listWebhooks(actor: Principal): Promise<WebhookJson[]> {
  requireOperatorFor(actor, "manage webhooks");
  return listScoped({ orgId: null });
}

async function listScoped(scope: Scope): Promise<WebhookJson[]> {
  const client = await db();
  const rows = await client.webhook.findMany({ where: { orgId: scope.orgId }, orderBy: { createdAt: "desc" }, omit: { sealedSecret: true } });
  const counts = await client.webhookDelivery.groupBy({ by: ["webhookId", "status"], where: { webhookId: { in: rows.map((w) => w.id) } }, _count: { _all: true } });
  const latest = await Promise.all(
    rows.map((w) => client.webhookDelivery.findFirst({ where: { webhookId: w.id, attempts: { gt: 0 } }, orderBy: { lastAttemptAt: "desc" }, select: { lastAttemptAt: true, status: true, responseStatus: true, lastError: true } })),
  );
  return rows.map((w, i) => {
    const last = latest[i];
    const lastStatus = last ? (last.responseStatus ? `HTTP ${last.responseStatus}` : (last.lastError ?? last.status)) : null;
    return toJson(w, counts.filter((c) => c.webhookId === w.id).map((c) => ({ status: c.status, count: c._count._all })), last?.lastAttemptAt ?? null, lastStatus);
  });
}

export async function deleteWebhook(actor: Principal, id: string): Promise<void> {
  requireOperatorFor(actor, "manage webhooks");
  return deleteScoped(actor, { orgId: null }, id);
}

async function deleteScoped(actor: Principal, scope: Scope, id: string): Promise<void> {
  const client = await db();
  await client.$transaction(async (tx) => {
    const row = await tx.webhook.findFirst({ where: { id, orgId: scope.orgId }, select: { id: true, url: true } });
    if (!row) throw new AppError("not_found", "Webhook not found");
    await tx.webhook.delete({ where: { id } });
    await appendAuditEvent(tx, { actor, action: "webhook.deleted", subjectType: "webhook", subjectId: id, orgId: scope.orgId, details: { url: row.url } });
  });
}

export async function listWebhookDeliveries(actor: Principal, webhookId: string) {
  requireOperatorFor(actor, "manage webhooks");
  return deliveriesScoped({ orgId: null }, webhookId);
}

async function deliveriesScoped(scope: Scope, webhookId: string) {
  const client = await db();
  if (!(await client.webhook.findFirst({ where: { id: webhookId, orgId: scope.orgId }, select: { id: true } }))) throw new AppError("not_found", "Webhook not found");
  const rows = await client.webhookDelivery.findMany({ where: { webhookId }, orderBy: { createdAt: "desc" }, take: 50, omit: { body: true } });
  return rows.map((d) => ({
    id: d.id,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    responseStatus: d.responseStatus,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    nextAttemptAt: d.status === "pending" ? (d.nextAttemptAt?.toISOString() ?? null) : null,
  }));
}

type WebhookRow = { id: string; url: string; description: string; events: string[]; secretHint: string; createdAt: Date };

function toJson(w: WebhookRow, counts: { status: string; count: number }[], lastAt: Date | null = null, lastStatus: string | null = null): WebhookJson {
  const count = (status: string) => counts.find((c) => c.status === status)?.count ?? 0;
  return {
    id: w.id,
    url: w.url,
    description: w.description,
    events: w.events,
    secretHint: `${w.secretHint}…`,
    createdAt: w.createdAt.toISOString(),
    deliveries: { pending: count("pending"), delivered: count("delivered"), failed: count("failed"), lastAt: lastAt?.toISOString() ?? null, lastStatus },
  };
}
