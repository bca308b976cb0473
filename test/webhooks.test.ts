import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { GET as listWebhooks, POST as createWebhook } from "@/app/api/v1/webhooks/route";
import { DELETE as deleteWebhook } from "@/app/api/v1/webhooks/[id]/route";
import { GET as listDeliveries } from "@/app/api/v1/webhooks/[id]/deliveries/route";
import { PATCH as patchPolicy } from "@/app/api/v1/settings/policy/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { POST as revoke } from "@/app/api/v1/certificates/[serial]/revoke/route";
import { GET as dashboard } from "@/app/api/v1/dashboard/route";
import { GET as notifications } from "@/app/api/v1/notifications/route";
import type { Dashboard } from "@/lib/server/dashboard/get-dashboard";
import { scanExpiringCertificates } from "@/lib/server/notifications/scan-expiring-certificates";
import { deliverDueWebhooks, RETRY_DELAYS_MS, webhookDeliveriesSettled } from "@/lib/server/webhooks/deliver-webhooks";
import { call } from "./helpers";
import { H, jsonOf, requestPluginCert, seedStore } from "./console-setup";

type Received = { headers: http.IncomingHttpHeaders; body: string; json: { id: string; type: string; data: Record<string, unknown> } };

/** A webhook receiver on loopback that records every POST and answers with whatever `reply` says. */
function startReceiver() {
  const received: Received[] = [];
  const state = { reply: 204, hold: false, release: [] as (() => void)[] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ headers: req.headers, body, json: JSON.parse(body) });
      const answer = () => res.writeHead(state.reply).end();
      if (state.hold) state.release.push(answer);
      else answer();
    });
  });
  return { server, received, state };
}

async function waitFor<T>(find: () => T | undefined, what: string, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const hmac = (secret: string, body: string) => `sha256=${crypto.createHmac("sha256", secret).update(body).digest("hex")}`;

describe("webhooks and expiry: a certificate expiring within 30 days reaches the chart, the bell and a signed webhook", () => {
  let s: Awaited<ReturnType<typeof seedStore>>;
  const receiver = startReceiver();
  let url = "";
  let secret = "";
  let webhookId = "";

  beforeAll(async () => {
    s = await seedStore();
    await new Promise<void>((resolve) => receiver.server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hooks/signet`;
  });
  afterAll(async () => {
    await webhookDeliveriesSettled();
    receiver.server.closeAllConnections();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  it("lets only operators register http(s) receivers, loopback-only for plain http, and shows the secret once", async () => {
    expect((await call(H(createWebhook), { token: s.acme, json: { url } })).status).toBe(403);
    for (const bad of ["ftp://127.0.0.1/x", "http://example.com/hook", "https://user:pw@example.com/hook", "javascript:alert(1)", "not a url"]) {
      expect((await call(H(createWebhook), { token: s.operator, json: { url: bad } })).status, bad).toBe(400);
    }
    expect((await call(H(createWebhook), { token: s.operator, json: { url, events: ["certificate.nothing"] } })).status).toBe(400);
    const created = await jsonOf<{ webhook: { id: string; events: string[] }; secret: string }>(call(H(createWebhook), { token: s.operator, json: { url, description: "test receiver" } }), 201);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.webhook.events).toEqual(["certificate.issued", "certificate.revoked", "certificate.expiring", "request.pending"]);
    secret = created.secret;
    webhookId = created.webhook.id;
    const listed = await call(H(listWebhooks), { token: s.operator });
    expect(await listed.text()).not.toContain(secret);
    const row = await (await db()).webhook.findUniqueOrThrow({ where: { id: webhookId } });
    expect(Buffer.from(row.sealedSecret).toString("latin1")).not.toContain(secret.slice(6, 20));
  });

  it("POSTs request.pending after commit, without making the request wait for the receiver", async () => {
    receiver.state.hold = true;
    await jsonOf(call(H(patchPolicy), { token: s.operator, method: "PATCH", json: { pluginCertValidityDays: 20 } }), 200);
    // The request answered (requestPluginCert awaited the 201) while the receiver still holds its reply.
    const requestId = await requestPluginCert(s.acme, "acme", "com.acme.expiring");
    const pending = await waitFor(() => receiver.received.find((r) => r.json.type === "request.pending"), "request.pending");
    expect(receiver.state.release.length).toBe(1);
    expect(pending.json.data).toMatchObject({ requestId, kind: "plugin-cert", orgSlug: "acme", pluginId: "com.acme.expiring" });
    expect(pending.headers["x-signet-signature"]).toBe(hmac(secret, pending.body));
    receiver.state.hold = false;
    receiver.state.release.splice(0).forEach((answer) => answer());

    const issued = await jsonOf<{ certificate: { serial: string } }>(call(H(approve), { token: s.acme, params: { id: requestId } }), 200);
    const event = await waitFor(() => receiver.received.find((r) => r.json.type === "certificate.issued" && r.json.data.serial === issued.certificate.serial), "certificate.issued");
    expect(event.json.data).toMatchObject({ kind: "plugin", orgSlug: "acme", pluginId: "com.acme.expiring" });
  });

  it("shows the expiring certificate on the dashboard chart data and in the bell, then the expiry scan signs and sends it once per threshold", async () => {
    const client = await db();
    const cert = await client.certificate.findFirstOrThrow({ where: { pluginId: "com.acme.expiring" } });
    const board = await jsonOf<Dashboard>(call(H(dashboard), { token: s.acme }), 200);
    expect(board.member!.expiry.within30).toBe(1);
    expect(board.member!.expiry.buckets.find((b) => b.fromDay === 10)?.count).toBe(1);
    expect(board.member!.expiry.soonest[0]).toMatchObject({ serial: cert.serialHex, pluginId: "com.acme.expiring" });
    const bell = await jsonOf<{ count: number; items: { id: string; kind: string }[] }>(call(H(notifications), { token: s.acme }), 200);
    expect(bell.items).toContainEqual(expect.objectContaining({ id: `expiring:${cert.id}`, kind: "certificate.expiring" }));

    const first = await scanExpiringCertificates();
    expect(first.raised).toEqual([{ serial: cert.serialHex, thresholdDays: 30 }]);
    const expiring = await waitFor(() => receiver.received.find((r) => r.json.type === "certificate.expiring"), "certificate.expiring");
    expect(expiring.headers["content-type"]).toBe("application/json");
    expect(expiring.headers["x-signet-event"]).toBe("certificate.expiring");
    expect(expiring.headers["x-signet-signature"]).toBe(hmac(secret, expiring.body));
    expect(expiring.headers["x-signet-signature"]).not.toBe(hmac("whsec_wrong", expiring.body));
    expect(expiring.json.data).toMatchObject({ serial: cert.serialHex, orgSlug: "acme", thresholdDays: 30, daysLeft: 20 });
    // The receiver answers before the runner records the attempt: wait for the runner, not the clock.
    await webhookDeliveriesSettled();
    const delivery = await client.webhookDelivery.findUniqueOrThrow({ where: { id: String(expiring.headers["x-signet-delivery"]) } });
    expect(delivery).toMatchObject({ event: "certificate.expiring", status: "delivered", attempts: 1, responseStatus: 204 });

    expect((await scanExpiringCertificates()).raised).toEqual([]);
    const inTwoWeeks = new Date(Date.now() + 14 * 86_400_000);
    expect((await scanExpiringCertificates(inTwoWeeks)).raised).toEqual([{ serial: cert.serialHex, thresholdDays: 7 }]);
    expect((await scanExpiringCertificates(inTwoWeeks)).raised).toEqual([]);
  });

  it("retries a failed delivery with backoff, same delivery id and body, and records each attempt", async () => {
    await webhookDeliveriesSettled();
    receiver.state.reply = 500;
    const client = await db();
    const cert = await client.certificate.findFirstOrThrow({ where: { pluginId: "com.acme.expiring" } });
    await jsonOf(call(H(revoke), { token: s.acme, params: { serial: cert.serialHex }, json: { reason: "superseded" } }), 200);
    const firstTry = await waitFor(() => receiver.received.find((r) => r.json.type === "certificate.revoked"), "certificate.revoked");
    await webhookDeliveriesSettled();
    const deliveryId = String(firstTry.headers["x-signet-delivery"]);
    const failed = await client.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
    expect(failed).toMatchObject({ status: "pending", attempts: 1, responseStatus: 500, lastError: "HTTP 500" });
    expect(failed.nextAttemptAt!.getTime() - failed.lastAttemptAt!.getTime()).toBe(RETRY_DELAYS_MS[0]);
    // Not due yet: nothing is sent.
    expect(await deliverDueWebhooks()).toBe(0);

    receiver.state.reply = 200;
    expect(await deliverDueWebhooks(new Date(failed.nextAttemptAt!.getTime() + 1000))).toBe(1);
    const retries = receiver.received.filter((r) => r.headers["x-signet-delivery"] === deliveryId);
    expect(retries).toHaveLength(2);
    expect(retries[1].body).toBe(retries[0].body);
    expect(retries[1].headers["x-signet-signature"]).toBe(hmac(secret, retries[0].body));
    expect(await client.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({ status: "delivered", attempts: 2, responseStatus: 200, lastError: null });

    const log = await jsonOf<{ id: string; status: string; attempts: number }[]>(call(H(listDeliveries), { token: s.operator, params: { id: webhookId } }), 200);
    expect(log.find((d) => d.id === deliveryId)).toMatchObject({ status: "delivered", attempts: 2 });
    expect(JSON.stringify(log)).not.toContain(secret);
  });

  it("removes a webhook and its outbox, audited", async () => {
    expect((await call(H(deleteWebhook), { token: s.acme, method: "DELETE", params: { id: webhookId } })).status).toBe(403);
    expect((await call(H(deleteWebhook), { token: s.operator, method: "DELETE", params: { id: webhookId } })).status).toBe(204);
    const client = await db();
    expect(await client.webhookDelivery.count({ where: { webhookId } })).toBe(0);
    expect(await client.auditEvent.count({ where: { action: { in: ["webhook.created", "webhook.deleted"] }, subjectId: webhookId } })).toBe(2);
    expect((await call(H(deleteWebhook), { token: s.operator, method: "DELETE", params: { id: webhookId } })).status).toBe(404);
  });
});
