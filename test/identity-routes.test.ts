// Only Signet's workflows change identities: every better-auth HTTP route the console does not
// need answers 404, whoever calls it; the library's own switches hold behind the gate too.
import crypto from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as authGet, POST as authPost } from "@/app/api/auth/[...all]/route";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { db } from "@/lib/db";
import { auth } from "@/lib/server/auth/auth";
import { AUTH_BASE_PATH, BROWSER_AUTH_ROUTES, DISABLED_AUTH_PATHS, isBrowserAuthRoute } from "@/lib/server/auth/auth-routes";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { call, followContactLink, resetDatabase } from "./helpers";

const H = (h: unknown) => h as never;
const BASE = "http://localhost:3999";
const PASSWORD = "identity-password-1";
type Who = "anonymous" | "member" | "orgAdmin" | "operator";

function authRequest(method: string, path: string, init: { cookie?: string; json?: unknown; body?: string; contentType?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { origin: BASE };
  if (init.cookie) headers.cookie = init.cookie;
  let body = init.body;
  if (init.json !== undefined) body = JSON.stringify(init.json);
  if (body !== undefined) headers["content-type"] = init.contentType ?? "application/json";
  const req = new Request(`${BASE}${path}`, { method, headers, body: method === "GET" || method === "HEAD" ? undefined : body });
  return (method === "GET" ? authGet : authPost)(req);
}

/** Signs in through the allow-listed route, as the console does, and returns the session cookie. */
async function signIn(email: string, password = PASSWORD): Promise<string> {
  const res = await authRequest("POST", "/api/auth/sign-in/email", { json: { email, password } });
  expect(res.status, await res.clone().text()).toBe(200);
  const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]);
  expect(cookies.some((c) => c.includes("session_token"))).toBe(true);
  return cookies.join("; ");
}

async function expectRefused(res: Response, what: string): Promise<void> {
  const text = await res.text();
  expect(res.status, `${what} → ${res.status} ${text.slice(0, 200)}`).toBe(404);
  expect(res.headers.get("content-type"), what).toBe("application/problem+json");
}

describe("identity routes: only Signet's workflows change organizations, members, roles and users", () => {
  const cookies: Record<Who, string | undefined> = { anonymous: undefined, member: "", orgAdmin: "", operator: "" };
  let pendingOrgId = "";
  let approvedOrgId = "";

  beforeAll(async () => {
    await resetDatabase();
    const operator = (await initializeSignet({ adminEmail: "ops@example.com", adminPassword: PASSWORD })).operatorToken;
    const b = await call(H(registerOrg), { json: { name: "Org B", slug: "org-b", pluginIdPrefix: "com.orgb.", admin: { email: "admin@org-b.test", password: PASSWORD } } });
    expect(b.status).toBe(201);
    const bRequest = ((await b.json()) as { request: { id: string } }).request.id;
    await followContactLink("admin@org-b.test");
    expect((await call(H(approve), { token: operator, params: { id: bRequest } })).status).toBe(200);
    const a = await call(H(registerOrg), { json: { name: "Org A", slug: "org-a", pluginIdPrefix: "com.orga.", admin: { email: "admin@org-a.test", password: PASSWORD } } });
    expect(a.status).toBe(201);
    const client = await db();
    pendingOrgId = (await client.organization.findUniqueOrThrow({ where: { slug: "org-a" } })).id;
    approvedOrgId = (await client.organization.findUniqueOrThrow({ where: { slug: "org-b" } })).id;
    const memberId = crypto.randomUUID();
    await client.user.create({ data: { id: memberId, email: "member@org-a.test", name: "Member" } });
    await client.account.create({ data: { id: crypto.randomUUID(), accountId: memberId, providerId: "credential", userId: memberId, password: await hashPassword(PASSWORD) } });
    await client.member.create({ data: { id: crypto.randomUUID(), organizationId: pendingOrgId, userId: memberId, role: "member" } });
    cookies.member = await signIn("member@org-a.test");
    cookies.orgAdmin = await signIn("admin@org-a.test");
    cookies.operator = await signIn("ops@example.com");
  });

  it("answers 404 for every better-auth route not on the allow-list (enumerated from auth.api), for anonymous, member, org admin and operator", async () => {
    const a = await auth();
    const endpoints = Object.values(a.api as Record<string, { path?: string; options?: { method?: string | string[] } }>)
      .filter((e) => typeof e.path === "string")
      .flatMap((e) => [e.options?.method ?? "GET"].flat().map((method) => ({ method, path: e.path!.replace(/:[A-Za-z]+/g, "x") })));
    const closed = endpoints.filter((e) => !isBrowserAuthRoute(e.method, e.path));
    // The enumeration is real: the routes of the attack are among those it closes.
    const closedPaths = new Set(closed.map((e) => e.path));
    for (const path of ["/organization/update", "/organization/delete", "/organization/create", "/organization/invite-member", "/organization/update-member-role", "/sign-up/email", "/admin/set-role", "/admin/create-user", "/api-key/create"]) {
      expect(closedPaths, path).toContain(path);
    }
    expect(closed.length).toBeGreaterThan(60);
    for (const who of Object.keys(cookies) as Who[]) {
      for (const { method, path } of closed) {
        const res = await authRequest(method, `${AUTH_BASE_PATH}${path}`, { cookie: cookies[who], json: method === "GET" ? undefined : { organizationId: pendingOrgId, data: { name: "Org B" }, name: "Org B", slug: "org-b2", email: "x@y.test", password: PASSWORD, role: "operator" } });
        await expectRefused(res, `${who} ${method} ${path}`);
      }
    }
  });

  it("refuses the rename-into-another-org attack and org deletion, leaving the organizations as they were", async () => {
    for (const [path, json] of [
      ["/api/auth/organization/update", { organizationId: pendingOrgId, data: { name: "Org B" } }],
      ["/api/auth/organization/delete", { organizationId: approvedOrgId }],
      ["/api/auth/organization/create", { name: "Org B", slug: "org-b-2" }],
      ["/api/auth/sign-up/email", { email: "new@x.test", password: PASSWORD, name: "New" }],
    ] as const) {
      await expectRefused(await authRequest("POST", path, { cookie: cookies.orgAdmin, json }), path);
      await expectRefused(await authRequest("POST", path, { cookie: cookies.operator, json }), `operator ${path}`);
    }
    const client = await db();
    expect((await client.organization.findUniqueOrThrow({ where: { id: pendingOrgId } })).name).toBe("Org A");
    expect(await client.organization.findUnique({ where: { id: approvedOrgId } })).not.toBeNull();
    expect(await client.member.count({ where: { organizationId: approvedOrgId } })).toBe(1);
    expect(await client.user.findUnique({ where: { email: "new@x.test" } })).toBeNull();
  });

  it("cannot be slipped past with another spelling of a path", async () => {
    for (const path of [
      "/api/auth/organization/update/",
      "/api/auth//organization/update",
      "/api/auth/Organization/Update",
      "/api/auth/organization%2Fupdate",
      "/api/auth/sign-in/email/../../organization/update",
      "/api/auth/sign-in/email/",
      "/api/auth/sign-in%2Femail",
      "/api/auth/SIGN-IN/EMAIL",
      "/api/auth",
      "/api/auth/",
      "/api/authx/sign-in/email",
    ]) {
      await expectRefused(await authRequest("POST", path, { cookie: cookies.orgAdmin, json: { organizationId: pendingOrgId, data: { name: "Org B" } } }), path);
    }
    // The allowed routes only with their own method.
    await expectRefused(await authRequest("GET", "/api/auth/sign-in/email"), "GET sign-in");
    await expectRefused(await authRequest("POST", "/api/auth/get-session", { json: {} }), "POST get-session");
  });

  it("serves the console's routes: sign-in, get-session, sign-out", async () => {
    expect(BROWSER_AUTH_ROUTES.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      "GET /get-session",
      "GET /passkey/generate-authenticate-options",
      "GET /passkey/generate-register-options",
      "POST /passkey/verify-authentication",
      "POST /passkey/verify-registration",
      "POST /sign-in/email",
      "POST /sign-out",
      "POST /two-factor/disable",
      "POST /two-factor/enable",
      "POST /two-factor/verify-backup-code",
      "POST /two-factor/verify-totp",
    ]);
    const cookie = await signIn("admin@org-a.test");
    const session = await authRequest("GET", "/api/auth/get-session", { cookie });
    expect(session.status).toBe(200);
    expect(((await session.json()) as { user: { email: string } }).user.email).toBe("admin@org-a.test");
    const out = await authRequest("POST", "/api/auth/sign-out", { cookie, json: {} });
    expect(out.status, await out.clone().text()).toBe(200);
    const after = await authRequest("GET", "/api/auth/get-session", { cookie });
    expect(await after.json()).toBeNull();
    const wrong = await authRequest("POST", "/api/auth/sign-in/email", { json: { email: "admin@org-a.test", password: "wrong-password-1" } });
    expect(wrong.status).toBe(401);
  });

  it("keeps the identity writes closed inside better-auth too (disabledPaths, no sign-up, no deletion, no rename)", async () => {
    const a = await auth();
    for (const path of DISABLED_AUTH_PATHS) {
      const res = await a.handler(new Request(`${BASE}${AUTH_BASE_PATH}${path}`, { method: "POST", headers: { origin: BASE, cookie: cookies.orgAdmin!, "content-type": "application/json" }, body: JSON.stringify({ organizationId: pendingOrgId, data: { name: "Org B" } }) }));
      expect(res.status, path).toBe(404);
    }
    await expect(a.api.signUpEmail({ body: { email: "srv@x.test", password: PASSWORD, name: "S" } })).rejects.toThrow();
    const headers = new Headers({ cookie: cookies.orgAdmin! });
    await expect(a.api.updateOrganization({ headers, body: { organizationId: pendingOrgId, data: { name: "Org B" } } })).rejects.toThrow(/name and slug change only through Signet/);
    await expect(a.api.deleteOrganization({ headers, body: { organizationId: pendingOrgId } })).rejects.toThrow();
    const client = await db();
    expect((await client.organization.findUniqueOrThrow({ where: { id: pendingOrgId } })).name).toBe("Org A");
    expect(await client.user.findUnique({ where: { email: "srv@x.test" } })).toBeNull();
  });

  it("refuses NULs and lone surrogates in identity-route input with a 400 naming the field", async () => {
    const cases: [string, string][] = [
      ['{"email":"a\\u0000@x.test","password":"identity-password-1"}', "email"],
      ['{"email":"admin@org-a.test","password":"pw\\ud800-identity"}', "password"],
      ['{"email":"admin@org-a.test","password":"identity-password-1","callbackURL":"/\\udfff"}', "callbackURL"],
      ['{"email":"admin@org-a.test","password":"identity-password-1","x":{"y":["ok","\\u0000"]}}', "x.y[1]"],
    ];
    for (const [body, field] of cases) {
      const res = await authRequest("POST", "/api/auth/sign-in/email", { body });
      const problem = (await res.json()) as { status: number; detail: string; field: string };
      expect(res.status, body).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(problem.field, body).toBe(field);
      expect(problem.detail).toContain(`'${field}'`);
    }
    const query = await authRequest("GET", "/api/auth/get-session?disableCookieCache=%00", { cookie: cookies.member });
    expect(query.status).toBe(400);
    expect(((await query.json()) as { field: string }).field).toBe("disableCookieCache");
    const broken = await authRequest("POST", "/api/auth/sign-in/email", { body: '{"email":' });
    expect(broken.status).toBe(400);
    const form = await authRequest("POST", "/api/auth/sign-in/email", { body: "email=a&password=b", contentType: "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
    const huge = await authRequest("POST", "/api/auth/sign-in/email", { json: { email: "a@b.test", password: "x".repeat(100_000) } });
    expect(huge.status).toBe(413);
  });
});
