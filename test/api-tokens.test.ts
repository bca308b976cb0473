// API tokens exist only because a person asked for one, and every one of them expires.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { GET as listOrgs, POST as registerOrg } from "@/app/api/v1/orgs/route";
import { POST as createToken } from "@/app/api/v1/tokens/route";
import { tokenCommand } from "@/cli/commands/token";
import { db } from "@/lib/db";
import { auth } from "@/lib/server/auth/auth";
import { resetRateLimits } from "@/lib/server/http/rate-limit";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { call, resetDatabase } from "./helpers";

const H = (h: unknown) => h as never;
const DAY = 86_400_000;
let seq = 0;

function register(extra: Record<string, unknown> = {}) {
  const n = ++seq;
  resetRateLimits();
  return call(H(registerOrg), { json: { name: `Token Org ${n}`, slug: `token-org-${n}`, pluginIdPrefix: `com.tokenorg${n}.`, admin: { email: `admin@token-org-${n}.test`, password: "org-password-1" }, ...extra } });
}

function expectExpiresIn(expiresAt: string | Date | null | undefined, days: number): void {
  expect(expiresAt, "an expiry").toBeTruthy();
  const left = new Date(expiresAt!).getTime() - Date.now();
  expect(left).toBeGreaterThan(days * DAY - 120_000);
  expect(left).toBeLessThan(days * DAY + 120_000);
}

describe("API tokens: made on request, expiring by default", () => {
  let operator = "";

  beforeAll(async () => {
    await resetDatabase();
    operator = (await initializeSignet({ adminEmail: "ops@example.com", adminPassword: "pw-123456789" })).operatorToken;
  });

  it("registration makes no token when the caller declines one, as the console's form does", async () => {
    const res = await register({ token: false });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["org", "request"]);
    const client = await db();
    const admin = await client.user.findUniqueOrThrow({ where: { email: `admin@token-org-${seq}.test` } });
    expect(await client.apikey.count({ where: { referenceId: admin.id } })).toBe(0);
  });

  it("a registration token (API.md's default, or asked for) works, is the org admin's, and expires (90 days, or as asked)", async () => {
    const byDefault = await register();
    expect(byDefault.status).toBe(201);
    expectExpiresIn(((await byDefault.json()) as { tokenExpiresAt: string }).tokenExpiresAt, 90);
    const res = await register({ token: true });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { token: string; tokenExpiresAt: string; org: { slug: string } };
    expect(body.token).toMatch(/^sgt_/);
    expectExpiresIn(body.tokenExpiresAt, 90);
    const orgs = (await (await call(H(listOrgs), { token: body.token })).json()) as { slug: string }[];
    expect(orgs.map((o) => o.slug)).toEqual([body.org.slug]);
    const client = await db();
    const row = await client.apikey.findFirstOrThrow({ where: { name: `${body.org.slug} admin` } });
    expectExpiresIn(row.expiresAt, 90);

    const custom = await register({ token: { name: "release pipeline", expiresInDays: 7 } });
    expect(custom.status).toBe(201);
    expectExpiresIn(((await custom.json()) as { tokenExpiresAt: string }).tokenExpiresAt, 7);

    for (const bad of [{ expiresInDays: 0 }, { expiresInDays: 366 }, { expiresInDays: null }, { name: "" }, { never: true }, "yes", null, 1]) {
      const refused = await register({ token: bad });
      expect(refused.status, JSON.stringify(bad)).toBe(400);
    }
  });

  it("POST /api/v1/tokens: 90 days by default, the person's choice up to a year, never 'never'", async () => {
    const made = (await (await call(H(createToken), { token: operator, json: { name: "default" } })).json()) as { token: string; expiresAt: string };
    expectExpiresIn(made.expiresAt, 90);
    const chosen = (await (await call(H(createToken), { token: operator, json: { name: "short", expiresInDays: 30 } })).json()) as { expiresAt: string };
    expectExpiresIn(chosen.expiresAt, 30);
    for (const expiresInDays of [null, 0, 366, 3650, 1.5]) {
      const res = await call(H(createToken), { token: operator, json: { name: "forever", expiresInDays } });
      expect(res.status, String(expiresInDays)).toBe(400);
    }
    const client = await db();
    expect(await client.apikey.count({ where: { expiresAt: null } })).toBe(0);
  });

  it("the setup token and a key made through the library without an expiry expire too", async () => {
    const client = await db();
    const ops = await client.user.findUniqueOrThrow({ where: { email: "ops@example.com" } });
    const initial = await client.apikey.findFirstOrThrow({ where: { referenceId: ops.id, name: "initial operator token" } });
    expectExpiresIn(initial.expiresAt, 90);
    const direct = await (await auth()).api.createApiKey({ body: { userId: ops.id, name: "library default" } });
    expectExpiresIn(direct.expiresAt, 90);
  });

  it("signet token create: 90 days by default, --expires-in-days to choose", async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    try {
      expect(await tokenCommand(["create", "--email", "ops@example.com", "--name", "cli default", "--json"])).toBe(0);
      expect(await tokenCommand(["create", "--email", "ops@example.com", "--name", "cli short", "--expires-in-days", "14", "--json"])).toBe(0);
      await expect(tokenCommand(["create", "--email", "ops@example.com", "--name", "cli never", "--expires-in-days", "never"])).rejects.toThrow(/whole number of days/);
      await expect(tokenCommand(["create", "--email", "ops@example.com", "--name", "cli long", "--expires-in-days", "999"])).rejects.toThrow();
    } finally {
      spy.mockRestore();
    }
    const [byDefault, short] = out.map((line) => JSON.parse(line) as { token: string; expiresAt: string });
    expectExpiresIn(byDefault.expiresAt, 90);
    expectExpiresIn(short.expiresAt, 14);
  });
});
