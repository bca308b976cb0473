import { expect } from "vitest";
// Shared helpers for integration tests: a clean database per file and route invocation.
import { db } from "@/lib/db";
import { resetRateLimits } from "@/lib/server/http/rate-limit";
import { resetDenialBudget } from "@/lib/server/audit/record-denial";

export async function resetDatabase(): Promise<void> {
  resetRateLimits();
  resetDenialBudget();
  const client = await db();
  const tables = await client.$queryRawUnsafe<{ tablename: string }[]>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
  );
  if (tables.length > 0) {
    await client.$executeRawUnsafe(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(", ")} CASCADE`);
  }
}

type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export async function call(
  handler: RouteHandler,
  init: { method?: string; url?: string; token?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string>; params?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body = init.body;
  if (init.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.json);
  }
  const req = new Request(init.url ?? "http://localhost:3999/api/test", { method: init.method ?? (body ? "POST" : "GET"), headers, body });
  return handler(req, { params: Promise.resolve(init.params ?? {}) });
}

/**
 * Follows the contact-verification link Signet mailed to `address` (the file outbox: tests run with
 * no SMTP configured), as the person reading that mailbox would. Newest message first; an older
 * link from an earlier test file's database is unknown (404) and skipped.
 */
export async function followContactLink(address: string): Promise<void> {
  const { deliverDueMail, mailDeliverySettled } = await import("@/lib/server/mail/deliver-mail");
  const { outboxMessages } = await import("./mail-outbox");
  const { POST: verify } = await import("@/app/api/v1/contact-verifications/[token]/route");
  // The registration kicked a delivery round already; wait for it, then send whatever is still due.
  await mailDeliverySettled();
  await deliverDueMail();
  for (const message of await outboxMessages(address, "contact-verification")) {
    const token = /\/verify-contact\/([A-Za-z0-9_-]{43})/.exec(message.text)?.[1];
    if (!token) continue;
    const res = await call(verify as RouteHandler, { method: "POST", params: { token } });
    if (res.status === 200) return;
  }
  throw new Error(`No working contact-verification link was mailed to ${address}`);
}

/** The answer's JSON after checking its status (the body is shown when the status differs). */
export async function expectJson<T>(res: Response | Promise<Response>, status: number): Promise<T> {
  const r = await res;
  const text = await r.text();
  expect(r.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Signs in through the identity route as a browser would; returns the session cookie header. */
export async function signInCookie(email: string, password: string, base = "http://localhost:3999"): Promise<string> {
  const { POST: authPost } = await import("@/app/api/auth/[...all]/route");
  const res = await authPost(new Request(`${base}/api/auth/sign-in/email`, { method: "POST", headers: { origin: base, "content-type": "application/json" }, body: JSON.stringify({ email, password }) }));
  expect(res.status, await res.clone().text()).toBe(200);
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

/** A second (third…) store operator with a password and an API token, as an invitation would make. */
export async function createOperator(email: string, password: string): Promise<{ id: string; token: string }> {
  const crypto = await import("node:crypto");
  const { hashPassword } = await import("better-auth/crypto");
  const { OPERATOR_ROLE } = await import("@/lib/server/auth/auth");
  const { principalForUser } = await import("@/lib/server/auth/resolve-principal");
  const { createApiToken } = await import("@/lib/server/tokens/create-api-token");
  const client = await db();
  const id = crypto.randomUUID();
  await client.user.create({ data: { id, email, name: email, role: OPERATOR_ROLE, emailVerified: true } });
  await client.account.create({ data: { id: crypto.randomUUID(), accountId: id, providerId: "credential", userId: id, password: await hashPassword(password) } });
  const token = (await createApiToken(await principalForUser(client, id, "token"), { name: "ops" })).token;
  return { id, token };
}

/** A fresh store with three operators (ops@example.com from setup, second@ and third@ops.test). */
export async function storeWithThreeOperators(password: string): Promise<{ id: string; token: string }[]> {
  const { initializeSignet } = await import("@/lib/server/setup/initialize-signet");
  await resetDatabase();
  const setup = await initializeSignet({ adminEmail: "ops@example.com", adminPassword: "pw-123456789" });
  const client = await db();
  const first = { id: (await client.user.findUniqueOrThrow({ where: { email: "ops@example.com" } })).id, token: setup.operatorToken };
  return [first, await createOperator("second@ops.test", password), await createOperator("third@ops.test", password)];
}
