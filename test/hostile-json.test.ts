// Property tests over the JSON API: any body — random JSON, broken JSON, wrong types, huge strings,
// odd path parameters — gets a 4xx problem+json, never a 500. Each route is called with an
// identity that passes its authorization, so the parsers and workflows behind it are reached.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { POST as requestPlugin } from "@/app/api/v1/orgs/[slug]/plugin-cert-requests/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { POST as reject } from "@/app/api/v1/requests/[id]/reject/route";
import { POST as revoke } from "@/app/api/v1/certificates/[serial]/revoke/route";
import { GET as getCertificate } from "@/app/api/v1/certificates/[serial]/route";
import { GET as listCertificates } from "@/app/api/v1/certificates/route";
import { GET as listAudit } from "@/app/api/v1/audit/route";
import { POST as createToken } from "@/app/api/v1/tokens/route";
import { POST as createWebhook } from "@/app/api/v1/webhooks/route";
import { PUT as putPolicy } from "@/app/api/v1/settings/policy/route";
import { GET as authGet, POST as authPost } from "@/app/api/auth/[...all]/route";
import { POST as registerCertificate } from "@/app/api/v1/orgs/[slug]/certificates/route";
import { resetRateLimits } from "@/lib/server/http/rate-limit";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { call, followContactLink, resetDatabase } from "./helpers";

const H = (h: unknown) => h as never;
const RUNS = 120;

async function expectClientError(res: Response, what: string): Promise<void> {
  const body = await res.text();
  expect(res.status, `${what} → ${res.status} ${body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${what} → ${body.slice(0, 300)}`).toBeLessThan(500);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
}

// JSON values that resemble the real bodies (right keys, wrong or odd values) and arbitrary ones.
const oddString = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ minLength: 300, maxLength: 2000 }), fc.constantFrom("", "../..", "com.acme.", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----", "\u0000", "😀".repeat(50), "\ud800", "a\udfffb", "😀".slice(0, 1), "x\udbff\udbff"));
// Strings of arbitrary UTF-16 code units: lone surrogates included (JSON.stringify escapes them as \uD800).
const utf16String = fc.string({ unit: "binary", maxLength: 40 });
const oddValue = fc.oneof(oddString, utf16String, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 2 }));
const bodyLike = (keys: string[]) => fc.oneof(fc.dictionary(fc.constantFrom(...keys), oddValue, { maxKeys: keys.length }), fc.jsonValue({ maxDepth: 3 }));
const brokenJson = fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom("{", '{"a":', "[1,2", "nul", '{"name":"x",}', "\ufeff{}"));

describe("hostile JSON: every body gets a 4xx, never a 500", () => {
  let operator = "";
  let admin = "";

  beforeAll(async () => {
    await resetDatabase();
    operator = (await initializeSignet({ adminEmail: "ops@example.com", adminPassword: "pw-123456789" })).operatorToken;
    const reg = await call(H(registerOrg), { json: { name: "Fuzz Org", slug: "fuzz", pluginIdPrefix: "com.fuzz.", admin: { email: "admin@fuzz.test", password: "fuzz-password-1" }, token: true } });
    const { token, request } = (await reg.json()) as { token: string; request: { id: string } };
    admin = token;
    await followContactLink("admin@fuzz.test");
    expect((await call(H(approve), { token: operator, params: { id: request.id } })).status).toBe(200);
  });

  const routes: { name: string; handler: unknown; token: () => string; params?: Record<string, string>; keys: string[] }[] = [
    { name: "POST /orgs", handler: registerOrg, token: () => "", keys: ["name", "slug", "pluginIdPrefix", "admin", "csrPem"] },
    { name: "POST /orgs/fuzz/plugin-cert-requests", handler: requestPlugin, token: () => admin, params: { slug: "fuzz" }, keys: ["pluginId", "csrPem", "keyAlgorithm"] },
    { name: "POST /requests/x/reject", handler: reject, token: () => operator, params: { id: "x" }, keys: ["reason"] },
    { name: "POST /certificates/00/revoke", handler: revoke, token: () => operator, params: { serial: "00" }, keys: ["reason", "invalidityDate"] },
    { name: "POST /tokens", handler: createToken, token: () => admin, keys: ["name", "expiresInDays"] },
    { name: "POST /webhooks", handler: createWebhook, token: () => operator, keys: ["url", "description", "events"] },
    { name: "POST /orgs/fuzz/certificates", handler: registerCertificate, token: () => admin, params: { slug: "fuzz" }, keys: ["pem"] },
  ];

  for (const route of routes) {
    it(`${route.name}: odd JSON bodies`, async () => {
      await fc.assert(
        fc.asyncProperty(bodyLike(route.keys), async (body) => {
          resetRateLimits();
          const res = await call(H(route.handler), { token: route.token() || undefined, params: route.params, json: body });
          // A random body may happen to be valid (e.g. a token name): then it must succeed, not 500.
          if (res.status < 300) return;
          await expectClientError(res, `${route.name} ${JSON.stringify(body).slice(0, 200)}`);
        }),
        { numRuns: RUNS },
      );
    });

    it(`${route.name}: broken JSON, wrong content types, oversized bodies`, async () => {
      await fc.assert(
        fc.asyncProperty(brokenJson, fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", ""), async (text, type) => {
          resetRateLimits();
          const res = await call(H(route.handler), { token: route.token() || undefined, params: route.params, method: "POST", body: text, headers: type ? { "content-type": type } : {} });
          if (res.status < 300) return;
          await expectClientError(res, `${route.name} ${type} ${text.slice(0, 100)}`);
        }),
        { numRuns: RUNS },
      );
      resetRateLimits();
      const huge = JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) });
      const res = await call(H(route.handler), { token: route.token() || undefined, params: route.params, body: huge, headers: { "content-type": "application/json" } });
      expect(res.status).toBe(413);
    });
  }

  it("odd path parameters and query strings", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (param) => {
        for (const [handler, params] of [
          [getCertificate, { serial: param }],
          [revoke, { serial: param }],
          [approve, { id: param }],
        ] as const) {
          const res = await call(H(handler), { token: operator, params, json: { reason: "superseded" } });
          await expectClientError(res, `param ${JSON.stringify(param)}`);
        }
        const q = new URLSearchParams({ org: param, kind: param, status: param, action: param, before: param, limit: param }).toString();
        for (const handler of [listCertificates, listAudit]) {
          const res = await call(H(handler), { token: operator, url: `http://localhost:3999/api/v1/x?${q}` });
          if (res.status >= 300) await expectClientError(res, `query ${q}`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("refuses NUL characters (PostgreSQL text cannot hold them) in bodies, keys, queries and path parameters", async () => {
    await expectClientError(await call(H(createToken), { token: admin, json: { name: "a\u0000b" } }), "token name with NUL");
    await expectClientError(await call(H(createToken), { token: admin, json: { ["na\u0000me"]: "x" } }), "key with NUL");
    await expectClientError(await call(H(listAudit), { token: operator, url: "http://localhost:3999/api/v1/audit?actor=%00" }), "query with NUL");
    await expectClientError(await call(H(getCertificate), { token: operator, params: { serial: "ab\u0000" } }), "param with NUL");
    const surrogateParam = await call(H(getCertificate), { token: operator, params: { serial: "ab\udc00" } });
    expect(surrogateParam.status).toBe(400);
    expect(((await surrogateParam.json()) as { field: string }).field).toBe("serial");
    const repeatedQuery = await call(H(listAudit), { token: operator, url: "http://localhost:3999/api/v1/audit?actor=a&actor=%00" });
    expect(repeatedQuery.status).toBe(400);
    expect(((await repeatedQuery.json()) as { field: string }).field).toBe("actor[1]");
    const protoQuery = await call(H(listAudit), { token: operator, url: "http://localhost:3999/api/v1/audit?__proto__=a&__proto__=%00" });
    expect(protoQuery.status).toBe(400);
  });

  it("refuses lone UTF-16 surrogates in free-text fields with a 400 that names the field", async () => {
    const cases: { handler: unknown; token?: string; params?: Record<string, string>; json: unknown; field: string }[] = [
      { handler: createToken, token: admin, json: { name: "ci \ud800" }, field: "name" },
      { handler: registerOrg, json: { name: "Fuzz \udc00 Two", slug: "fuzz2", pluginIdPrefix: "com.fuzz2.", admin: { email: "a@fuzz2.test", password: "fuzz-password-1" } }, field: "name" },
      { handler: registerOrg, json: { name: "Fuzz Two", slug: "fuzz2", pluginIdPrefix: "com.fuzz2.", admin: { email: "a@fuzz2.test", password: "fuzz-password-1", name: "Ad\ud83dmin" } }, field: "admin.name" },
      { handler: reject, token: operator, params: { id: "x" }, json: { reason: "no \udfff" }, field: "reason" },
      { handler: createWebhook, token: operator, json: { url: "https://hooks.example.com/\ud800", description: "d" }, field: "url" },
      { handler: createWebhook, token: operator, json: { url: "https://hooks.example.com/h", description: "d\udbff" }, field: "description" },
      { handler: createWebhook, token: operator, json: { url: "https://hooks.example.com/h", events: ["x", "\ud800"] }, field: "events[1]" },
      { handler: putPolicy, token: operator, json: { note: "\u0000" }, field: "note" },
    ];
    for (const c of cases) {
      resetRateLimits();
      const res = await call(H(c.handler), { token: c.token, params: c.params, json: c.json });
      const body = await res.clone().text();
      await expectClientError(res, `${c.field}: ${JSON.stringify(c.json)}`);
      expect(res.status, body).toBe(400);
      expect((JSON.parse(body) as { field: string }).field, body).toBe(c.field);
      expect((JSON.parse(body) as { detail: string }).detail).toContain(`'${c.field}'`);
    }
    // A well-formed surrogate pair (an emoji) is text like any other.
    const ok = await call(H(createToken), { token: admin, json: { name: "ci 😀" } });
    expect(ok.status).toBe(201);
  });

  describe("/api/auth/*: the identity routes", () => {
    const authCall = (method: string, path: string, body?: string, type = "application/json") =>
      (method === "GET" ? authGet : authPost)(
        new Request(`http://localhost:3999${path}`, { method, headers: { origin: "http://localhost:3999", ...(body !== undefined ? { "content-type": type } : {}) }, body: method === "GET" ? undefined : body }),
      );
    const pathLike = fc.oneof(
      fc.constantFrom("/api/auth/sign-in/email", "/api/auth/sign-out", "/api/auth/get-session", "/api/auth/organization/update", "/api/auth/sign-up/email", "/api/auth/admin/set-role"),
      fc.array(fc.oneof(fc.constantFrom("organization", "admin", "sign-in", "email", "..", "%2F", "%00", ""), fc.webSegment()), { maxLength: 4 }).map((segs) => `/api/auth/${segs.join("/")}`),
    );

    it("any path, method and body: never a 500, and closed routes answer 404 problem+json", async () => {
      await fc.assert(
        fc.asyncProperty(pathLike, fc.constantFrom("GET", "POST"), fc.oneof(bodyLike(["email", "password", "callbackURL", "rememberMe", "organizationId", "data"]).map((v) => JSON.stringify(v)), brokenJson), async (path, method, body) => {
          resetRateLimits();
          const res = await authCall(method, path, method === "POST" ? body : undefined);
          const text = await res.text();
          expect(res.status, `${method} ${path} ${body.slice(0, 200)} → ${text.slice(0, 200)}`).toBeLessThan(500);
          const open = ["POST /api/auth/sign-in/email", "POST /api/auth/sign-out", "GET /api/auth/get-session"].includes(`${method} ${new URL(path, "http://x").pathname}`);
          if (!open) expect(res.status, `${method} ${path}`).toBe(404);
        }),
        { numRuns: RUNS },
      );
    });

    it("sign-in with NULs or lone surrogates anywhere: 400 naming the field", async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom("email", "password", "callbackURL"), fc.constantFrom("\u0000", "\ud800", "\udfff", "a\udbffb"), async (field, bad) => {
          const body: Record<string, unknown> = { email: "admin@fuzz.test", password: "fuzz-password-1", [field]: `x${bad}y` };
          const res = await authCall("POST", "/api/auth/sign-in/email", JSON.stringify(body));
          const text = await res.clone().text();
          await expectClientError(res, `${field} ${JSON.stringify(body)}`);
          expect(res.status).toBe(400);
          expect((JSON.parse(text) as { field: string }).field).toBe(field);
        }),
        { numRuns: 30 },
      );
    });
  });
});
