// Every API route, found on disk (app/api/v1/**/route.ts), so a route added tomorrow is covered
// without anyone remembering this file:
// - a disabled account's API token is 401 on every method of every route;
// - its session cookie (taken before it was disabled) is worth exactly what no credentials are
//   worth: the same answer as an anonymous caller's, on every method of every route;
// - an anonymous caller is refused (401, or 400 for a malformed body) everywhere but the routes
//   listed in PUBLIC, each with its reason.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as disableUser } from "@/app/api/v1/users/[id]/disable/route";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { call, createOperator, resetDatabase, signInCookie } from "./helpers";

const H = (h: unknown) => h as never;
const BASE = "http://localhost:3999";
const API = path.join(process.cwd(), "app", "api", "v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** Routes anyone may call without signing in (docs/api.md), and why. `METHOD path` as on disk. */
const PUBLIC: Record<string, string> = {
  "GET health": "load balancers and the supervisor probe it",
  "GET health/ready": "load balancers probe readiness (503 while the database is away)",
  "POST setup": "the one-time setup, guarded by the setup token",
  "POST orgs": "an outside organization registers",
  "POST contact-verifications/[token]": "whoever holds the mailed link",
  "GET invitations/[token]": "whoever holds the mailed link",
  "POST invitations/[token]/accept": "whoever holds the mailed link makes an account",
  "POST password-resets": "forgot password (the same answer whether or not the account exists)",
  "POST password-resets/[token]": "whoever holds the mailed reset link",
  "GET trust": "the store's public trust document",
  "POST verify": "anyone checks a signed archive",
  "GET cas": "CA certificates are public",
  "GET artifacts/by-sha256/[sha256]": "signet verify asks whether an archive was revoked",
  "GET artifacts/[id]/signature.p7s": "anyone with the artifact's id fetches its detached signature",
  "GET artifacts/[id]/store-signature.sig": "anyone with the artifact's id fetches the store's signature",
};

/**
 * A body-carrying method's route parses the body before its workflow looks at the caller, so an
 * anonymous caller's malformed body (this test sends `{}`) is refused as such (400, or 415 for a
 * route that takes a file) instead of 401: refused either way, and nothing about the store is said.
 */
const refusedAnonymously = (method: string, status: number) => status === 401 || (method !== "GET" && method !== "DELETE" && (status === 400 || status === 415));

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return routeFiles(p);
    return d.name === "route.ts" ? [p] : [];
  });
}

/** A value for each dynamic segment: well-formed where the route checks the form, naming nothing. */
function paramValue(name: string): string {
  if (name === "token") return "A".repeat(43);
  if (name === "serial") return "0a0b";
  if (name === "sha256") return "0".repeat(64);
  return "no-such-thing";
}

type Route = { rel: string; method: (typeof METHODS)[number]; handler: (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>; params: Record<string, string> };

async function allRoutes(): Promise<Route[]> {
  const routes: Route[] = [];
  for (const file of routeFiles(API).sort()) {
    const rel = path.relative(API, path.dirname(file)).split(path.sep).join("/");
    const params = Object.fromEntries([...rel.matchAll(/\[([^\]]+)\]/g)].map((m) => [m[1], paramValue(m[1])]));
    const mod = (await import(file)) as Record<string, unknown>;
    for (const method of METHODS) if (typeof mod[method] === "function") routes.push({ rel, method, handler: mod[method] as Route["handler"], params });
  }
  return routes;
}

function send(route: Route, headers: Record<string, string>): Promise<Response> {
  const url = `${BASE}/api/v1/${route.rel.replace(/\[([^\]]+)\]/g, (_m, n: string) => route.params[n])}`;
  const body = route.method === "GET" ? undefined : "{}";
  return call(H(route.handler), { method: route.method, url, params: route.params, headers: { origin: BASE, ...(body ? { "content-type": "application/json" } : {}), ...headers }, ...(body ? { body } : {}) });
}

describe("every API route × a disabled account and anonymous callers", () => {
  let routes: Route[] = [];
  let disabledToken = "";
  let disabledCookie = "";

  beforeAll(async () => {
    await resetDatabase();
    const operator = (await initializeSignet({ adminEmail: "ops@example.com", adminPassword: "pw-123456789" })).operatorToken;
    const gone = await createOperator("gone@ops.test", "gone-password-123");
    disabledToken = gone.token;
    disabledCookie = await signInCookie("gone@ops.test", "gone-password-123");
    const res = await call(H(disableUser), { token: operator, params: { id: gone.id }, json: { reason: "every-route matrix" } });
    expect(res.status, await res.clone().text()).toBe(200);
    routes = await allRoutes();
  }, 120_000);

  it("finds the routes on disk (the identity routes among them)", () => {
    const names = new Set(routes.map((r) => `${r.method} ${r.rel}`));
    expect(routes.length).toBeGreaterThan(60);
    for (const name of ["POST users/[id]/disable", "GET operators", "POST operators/invitations", "GET account/security", "DELETE account/passkeys/[id]", "PATCH settings/policy", "GET pending-revocations", "DELETE pending-revocations/[id]", "POST orgs/[slug]/invitations", "GET outbox"]) {
      expect(names, name).toContain(name);
    }
    for (const name of Object.keys(PUBLIC)) expect(names, `PUBLIC lists a route that does not exist: ${name}`).toContain(name);
  });

  it("a disabled account's API token is 401 on every method of every route (health reads no credentials)", async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      if (route.rel === "health" || route.rel === "health/ready") continue;
      const res = await send(route, { authorization: `Bearer ${disabledToken}` });
      if (res.status !== 401 || res.headers.get("content-type") !== "application/problem+json") wrong.push(`${route.method} ${route.rel}: ${res.status}`);
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it("anonymous callers are 401 everywhere but the public routes; a disabled account's session cookie gets exactly the anonymous answer", async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      const name = `${route.method} ${route.rel}`;
      const anonymous = await send(route, {});
      const cookie = await send(route, { cookie: disabledCookie });
      if (!(name in PUBLIC) && !refusedAnonymously(route.method, anonymous.status)) wrong.push(`${name}: anonymous ${anonymous.status}, not 401`);
      if (cookie.status !== anonymous.status) wrong.push(`${name}: disabled session ${cookie.status}, anonymous ${anonymous.status}`);
      if (cookie.status < 300 && !(name in PUBLIC)) wrong.push(`${name}: disabled session ${cookie.status}`);
    }
    expect(wrong).toEqual([]);
  }, 180_000);
});
