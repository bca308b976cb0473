// Approvals by more than one person (store policy orgCaApprovals) and disabled accounts: the N-th
// distinct operator's approval issues, exactly once under concurrency; a disabled account's
// sessions and tokens are refused from the commit on.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as authGet, POST as authPost } from "@/app/api/auth/[...all]/route";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { GET as listRequests } from "@/app/api/v1/requests/route";
import { GET as getRequest } from "@/app/api/v1/requests/[id]/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { POST as reject } from "@/app/api/v1/requests/[id]/reject/route";
import { PATCH as patchPolicy, PUT as putPolicy, GET as getPolicy } from "@/app/api/v1/settings/policy/route";
import { POST as disableUser } from "@/app/api/v1/users/[id]/disable/route";
import { GET as listOrgs } from "@/app/api/v1/orgs/route";
import { db } from "@/lib/db";
import { OPERATOR_ROLE } from "@/lib/server/auth/auth";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { call, createOperator, storeWithThreeOperators, followContactLink, resetDatabase } from "./helpers";
import { tempDir } from "./pki-fixtures";

const H = (h: unknown) => h as never;
const BASE = "http://localhost:3999";
const PASSWORD = "approvals-password-1";
const dir = tempDir("signet-approvals-");
type Approvals = { have: number; need: number; by: { email: string; at: string }[] };

const makeOperator = (email: string) => createOperator(email, PASSWORD);

async function register(slug: string): Promise<{ requestId: string; token: string }> {
  const res = await call(H(registerOrg), { json: { name: `Org ${slug}`, slug, pluginIdPrefix: `com.${slug}.`, admin: { email: `admin@${slug}.test`, password: PASSWORD }, token: true } });
  expect(res.status, await res.clone().text()).toBe(201);
  const body = (await res.json()) as { token: string; request: { id: string } };
  await followContactLink(`admin@${slug}.test`);
  return { requestId: body.request.id, token: body.token };
}

function authRequest(method: string, p: string, init: { cookie?: string; json?: unknown } = {}): Promise<Response> {
  const headers: Record<string, string> = { origin: BASE };
  if (init.cookie) headers.cookie = init.cookie;
  const body = init.json === undefined ? undefined : JSON.stringify(init.json);
  if (body) headers["content-type"] = "application/json";
  return (method === "GET" ? authGet : authPost)(new Request(`${BASE}${p}`, { method, headers, body }));
}

async function signIn(email: string): Promise<string> {
  const res = await authRequest("POST", "/api/auth/sign-in/email", { json: { email, password: PASSWORD } });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

async function setApprovals(token: string, n: number) {
  const res = await call(H(patchPolicy), { token, method: "PATCH", json: { orgCaApprovals: n } });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function orgCaCertificates(slug: string): Promise<number> {
  const client = await db();
  return client.certificate.count({ where: { kind: "org_ca", org: { slug } } });
}

describe("approvals by more than one operator", () => {
  let first: { id: string; token: string };
  let second: { id: string; token: string };
  let third: { id: string; token: string };

  beforeAll(async () => {
    [first, second, third] = await storeWithThreeOperators(PASSWORD);
  });

  it("the policy takes orgCaApprovals (1 by default, 1 to 10); a PUT without it means 1", async () => {
    const before = (await (await call(H(getPolicy), { token: first.token })).json()) as { orgCaApprovals: number };
    expect(before.orgCaApprovals).toBe(1);
    expect((await call(H(patchPolicy), { token: first.token, method: "PATCH", json: { orgCaApprovals: 0 } })).status).toBe(400);
    expect((await call(H(patchPolicy), { token: first.token, method: "PATCH", json: { orgCaApprovals: 11 } })).status).toBe(400);
    expect((await call(H(patchPolicy), { token: first.token, method: "PATCH", json: { orgCaApprovals: 1.5 } })).status).toBe(400);
    const put = { pluginApprovalRequiresOperator: false, orgCaValidityDays: 365, pluginCertValidityDays: 365 };
    expect((await call(H(putPolicy), { token: first.token, method: "PUT", json: put })).status).toBe(200);
    const withN = await call(H(putPolicy), { token: first.token, method: "PUT", json: { ...put, orgCaApprovals: 3 } });
    expect(((await withN.json()) as { orgCaApprovals: number }).orgCaApprovals).toBe(3);
    const without = await call(H(putPolicy), { token: first.token, method: "PUT", json: put });
    expect(((await without.json()) as { orgCaApprovals: number }).orgCaApprovals).toBe(1);
  });

  it("with N = 1 the first approval issues, as before: 200, no approvals recorded", async () => {
    const { requestId } = await register("solo");
    const res = await call(H(approve), { token: first.token, params: { id: requestId } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["caId", "certificate", "request"]);
    expect(await (await db()).requestApproval.count({ where: { requestId } })).toBe(0);
  });

  it("2 of N: the first approval is recorded (202), the same person twice counts once (409), the second distinct operator issues", async () => {
    await setApprovals(first.token, 2);
    const { requestId } = await register("pair");
    const one = await call(H(approve), { token: first.token, params: { id: requestId } });
    expect(one.status, await one.clone().text()).toBe(202);
    const oneBody = (await one.json()) as { request: { status: string }; approvals: Approvals };
    expect(oneBody.request.status).toBe("pending");
    expect(oneBody.approvals).toMatchObject({ have: 1, need: 2, by: [{ email: "ops@example.com" }] });
    expect(await orgCaCertificates("pair")).toBe(0);

    const again = await call(H(approve), { token: first.token, params: { id: requestId } });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { detail: string }).detail).toMatch(/you already approved/);
    expect(await (await db()).requestApproval.count({ where: { requestId } })).toBe(1);

    // The queue shows who approved and what is missing.
    const shown = (await (await call(H(getRequest), { token: second.token, params: { id: requestId } })).json()) as { approvals: Approvals };
    expect(shown.approvals).toMatchObject({ have: 1, need: 2, by: [{ email: "ops@example.com" }] });
    const listed = (await (await call(H(listRequests), { token: second.token, url: `${BASE}/api/v1/requests?status=pending` })).json()) as { id: string; approvals?: Approvals }[];
    expect(listed.find((r) => r.id === requestId)?.approvals?.have).toBe(1);

    const two = await call(H(approve), { token: second.token, params: { id: requestId } });
    expect(two.status, await two.clone().text()).toBe(200);
    const issued = (await two.json()) as { request: { status: string }; certificate: { pem: string }; approvals: Approvals };
    expect(issued.request.status).toBe("approved");
    expect(issued.approvals.by.map((b) => b.email)).toEqual(["ops@example.com", "second@ops.test"]);
    // The certificate is an org CA that openssl reads.
    const file = path.join(dir, "pair.pem");
    fs.writeFileSync(file, issued.certificate.pem);
    expect(execFileSync("openssl", ["x509", "-in", file, "-noout", "-ext", "basicConstraints"]).toString()).toMatch(/CA:TRUE/);
    expect(await orgCaCertificates("pair")).toBe(1);

    // Audited in order: two approval_recorded, then approved.
    const events = await (await db()).auditEvent.findMany({ where: { subjectId: requestId, action: { startsWith: "request." } }, orderBy: { seq: "asc" } });
    expect(events.map((e) => [e.action, e.actorLabel])).toEqual([
      ["request.approval_recorded", "ops@example.com"],
      ["request.approval_recorded", "second@ops.test"],
      ["request.approved", "second@ops.test"],
    ]);
    expect((await call(H(approve), { token: third.token, params: { id: requestId } })).status).toBe(409);
  });

  it("a rejection by any operator ends a request that has approvals", async () => {
    const { requestId } = await register("refused");
    expect((await call(H(approve), { token: first.token, params: { id: requestId } })).status).toBe(202);
    const res = await call(H(reject), { token: second.token, params: { id: requestId }, json: { reason: "not a real publisher" } });
    expect(res.status).toBe(200);
    expect((await call(H(approve), { token: third.token, params: { id: requestId } })).status).toBe(409);
    expect(await orgCaCertificates("refused")).toBe(0);
  });

  it("under concurrent approvals by three operators with N = 2, exactly one certificate is issued", async () => {
    for (let round = 0; round < 3; round++) {
      const slug = `race${round}`;
      const { requestId } = await register(slug);
      const answers = await Promise.all([first, second, third].map((op) => call(H(approve), { token: op.token, params: { id: requestId } })));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 202, 409]);
      expect(await orgCaCertificates(slug)).toBe(1);
      expect(await (await db()).certificateAuthority.count({ where: { kind: "org", org: { slug } } })).toBe(1);
      expect(await (await db()).requestApproval.count({ where: { requestId } })).toBe(2);
    }
  });

  it("an approval by an operator disabled since does not count", async () => {
    const gone = await makeOperator("gone@ops.test");
    const { requestId } = await register("stale");
    expect((await call(H(approve), { token: gone.token, params: { id: requestId } })).status).toBe(202);
    expect((await call(H(disableUser), { token: first.token, params: { id: gone.id }, json: { reason: "compromised" } })).status).toBe(200);
    const res = await call(H(approve), { token: second.token, params: { id: requestId } });
    expect(res.status, await res.clone().text()).toBe(202);
    expect(((await res.json()) as { approvals: Approvals }).approvals).toMatchObject({ have: 1, need: 2, by: [{ email: "second@ops.test" }] });
    expect((await call(H(approve), { token: third.token, params: { id: requestId } })).status).toBe(200);
    expect(await orgCaCertificates("stale")).toBe(1);
  });

  it("a plugin certificate request is not affected by orgCaApprovals", async () => {
    await setApprovals(first.token, 1);
    const { requestId, token } = await register("plugins");
    expect((await call(H(approve), { token: first.token, params: { id: requestId } })).status).toBe(200);
    await setApprovals(first.token, 3);
    const { POST: requestPlugin } = await import("@/app/api/v1/orgs/[slug]/plugin-cert-requests/route");
    const req = await call(H(requestPlugin), { token, params: { slug: "plugins" }, json: { pluginId: "com.plugins.one", keyMode: "hosted", keyAlgorithm: "rsa-2048" } });
    expect(req.status, await req.clone().text()).toBe(201);
    const id = ((await req.json()) as { request: { id: string } }).request.id;
    expect((await call(H(approve), { token, params: { id } })).status).toBe(200);
    await setApprovals(first.token, 1);
  });
});

describe("disabling an account", () => {
  let operator: { id: string; token: string };
  let other: { id: string; token: string };

  beforeAll(async () => {
    await resetDatabase();
    const setup = await initializeSignet({ adminEmail: "ops@example.com", adminPassword: PASSWORD });
    operator = { id: (await (await db()).user.findUniqueOrThrow({ where: { email: "ops@example.com" } })).id, token: setup.operatorToken };
    other = await makeOperator("other@ops.test");
  });

  it("ends the account's sessions and API tokens at once, audited; sign-in is refused", async () => {
    const { token } = await register("gone");
    const adminId = (await (await db()).user.findUniqueOrThrow({ where: { email: "admin@gone.test" } })).id;
    const cookie = await signIn("admin@gone.test");
    const headers = { cookie, origin: BASE };
    expect((await call(H(listOrgs), { headers })).status).toBe(200);
    expect((await call(H(listOrgs), { token })).status).toBe(200);

    const res = await call(H(disableUser), { token: operator.token, params: { id: adminId }, json: { reason: "left the company" } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ disabled: true, sessionsEnded: 1 });

    expect((await call(H(listOrgs), { token })).status).toBe(401);
    // The cookie no longer names a session: anonymous, so a signed-in route says 401.
    expect((await call(H(listOrgs), { headers })).status).toBe(401);
    const again = await authRequest("POST", "/api/auth/sign-in/email", { json: { email: "admin@gone.test", password: PASSWORD } });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
    const event = await (await db()).auditEvent.findFirstOrThrow({ where: { action: "user.disabled", subjectId: adminId } });
    expect(event.actorLabel).toBe("ops@example.com");
    expect(event.details).toMatchObject({ reason: "left the company", email: "admin@gone.test" });
    expect((await call(H(disableUser), { token: operator.token, params: { id: adminId }, json: { reason: "twice" } })).status).toBe(409);
  });

  it("refuses bad input, unknown users, and the last operator", async () => {
    expect((await call(H(disableUser), { token: operator.token, params: { id: other.id }, json: {} })).status).toBe(400);
    expect((await call(H(disableUser), { token: operator.token, params: { id: "nobody" }, json: { reason: "unknown" } })).status).toBe(404);
    // An operator disables another: its token ends; then the remaining operator is the last one.
    expect((await call(H(disableUser), { token: operator.token, params: { id: other.id }, json: { reason: "rotation" } })).status).toBe(200);
    expect((await call(H(listOrgs), { token: other.token })).status).toBe(401);
    const last = await call(H(disableUser), { token: operator.token, params: { id: operator.id }, json: { reason: "myself" } });
    expect(last.status).toBe(409);
    expect(((await last.json()) as { detail: string }).detail).toMatch(/last operator/);
  });

  it("two operators disabling each other at once leave one operator", async () => {
    const a = await makeOperator("a@ops.test");
    const b = await makeOperator("b@ops.test");
    // With `operator` too there are three; disable `operator` so a and b are the only two.
    expect((await call(H(disableUser), { token: a.token, params: { id: operator.id }, json: { reason: "rotation" } })).status).toBe(200);
    const answers = await Promise.all([
      call(H(disableUser), { token: a.token, params: { id: b.id }, json: { reason: "race" } }),
      call(H(disableUser), { token: b.token, params: { id: a.id }, json: { reason: "race" } }),
    ]);
    // The loser is refused either as the last operator (409) or, when its token was read after the
    // winner committed or it waited on the lock, as a disabled account (401).
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([401, 409]).toContain(statuses[1]);
    const active = await (await db()).user.count({ where: { role: OPERATOR_ROLE, banned: false } });
    expect(active).toBe(1);
  });
});
