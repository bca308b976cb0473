// Operator accounts through a real mailbox (smtp-server started here): an operator invites an
// operator, the mailed single-use link makes the account, and the new operator's session is the
// second approval a 2-of-N policy needs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as authPost } from "@/app/api/auth/[...all]/route";
import { POST as verifyContact } from "@/app/api/v1/contact-verifications/[token]/route";
import { GET as describeInvite } from "@/app/api/v1/invitations/[token]/route";
import { POST as acceptInvite } from "@/app/api/v1/invitations/[token]/accept/route";
import { GET as listOperators } from "@/app/api/v1/operators/route";
import { GET as listOperatorInvitations, POST as inviteOperator } from "@/app/api/v1/operators/invitations/route";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { PATCH as patchPolicy } from "@/app/api/v1/settings/policy/route";
import { db } from "@/lib/db";
import { reloadEnv } from "@/lib/env";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { call, resetDatabase } from "./helpers";
import { linkIn, SmtpSink } from "./smtp-sink";

const H = (h: unknown) => h as never;
const BASE = "http://localhost:3999";

async function ok<T>(res: Response | Promise<Response>, status: number): Promise<T> {
  const r = await res;
  const text = await r.text();
  expect(r.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function signIn(email: string, password: string): Promise<string> {
  const res = await authPost(new Request(`${BASE}/api/auth/sign-in/email`, { method: "POST", headers: { origin: BASE, "content-type": "application/json" }, body: JSON.stringify({ email, password }) }));
  expect(res.status, await res.clone().text()).toBe(200);
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

describe("operators: invitation by mail, accept, approve", () => {
  const smtp = new SmtpSink();
  let operator = "";

  beforeAll(async () => {
    process.env.SIGNET_SMTP_URL = await smtp.start();
    process.env.SIGNET_MAIL_FROM = "Signet Store <store@signet.test>";
    reloadEnv();
    await resetDatabase();
    operator = (await initializeSignet({ adminEmail: "ops@example.com", adminPassword: "pw-123456789" })).operatorToken;
  });

  afterAll(async () => {
    delete process.env.SIGNET_SMTP_URL;
    delete process.env.SIGNET_MAIL_FROM;
    reloadEnv();
    await smtp.stop();
  });

  it("invite → mailed single-use link → new operator account → its approval is the second of two", async () => {
    await ok(call(H(patchPolicy), { token: operator, method: "PATCH", json: { orgCaApprovals: 2 } }), 200);
    const reg = await ok<{ request: { id: string } }>(
      call(H(registerOrg), { json: { name: "Pair Plugins", slug: "pair", pluginIdPrefix: "com.pair.", admin: { email: "alice@pair.test", password: "alice-password-1" }, token: false } }),
      201,
    );
    await ok(call(H(verifyContact), { method: "POST", params: { token: linkIn(await smtp.waitFor("alice@pair.test", /Confirm the contact address/), "/verify-contact/") } }), 200);
    const first = await ok<{ approvals: { have: number; need: number } }>(call(H(approve), { token: operator, params: { id: reg.request.id } }), 202);
    expect(first.approvals).toMatchObject({ have: 1, need: 2 });

    const invited = await ok<{ id: string; role: string }>(call(H(inviteOperator), { token: operator, json: { email: "Bob@Ops.test" } }), 201);
    expect(invited.role).toBe("operator");
    const pending = await ok<{ email: string }[]>(call(H(listOperatorInvitations), { token: operator }), 200);
    expect(pending.map((p) => p.email)).toEqual(["bob@ops.test"]);
    // An address that is already an operator is refused.
    expect((await call(H(inviteOperator), { token: operator, json: { email: "ops@example.com" } })).status).toBe(409);

    const mail = await smtp.waitFor("bob@ops.test", /operator/);
    expect(mail.text).toMatch(/http:\/\/localhost:3999\/invite\/[A-Za-z0-9_-]{43}/);
    const token = linkIn(mail, "/invite/");
    const shown = await ok<{ orgName: string | null; role: string; email: string; accountExists: boolean }>(call(H(describeInvite), { params: { token } }), 200);
    expect(shown).toMatchObject({ orgName: null, role: "operator", email: "bob@ops.test", accountExists: false });
    const accepted = await ok<{ operator?: boolean; user: { newAccount: boolean } }>(call(H(acceptInvite), { method: "POST", params: { token }, json: { name: "Bob", password: "bob-password-12" } }), 200);
    expect(accepted).toMatchObject({ operator: true, user: { newAccount: true } });
    // Single use.
    expect((await call(H(acceptInvite), { method: "POST", params: { token }, json: { password: "bob-password-12" } })).status).toBe(409);

    const client = await db();
    const bob = await client.user.findUniqueOrThrow({ where: { email: "bob@ops.test" }, select: { role: true, members: true } });
    expect(bob.role).toBe("operator");
    expect(bob.members).toHaveLength(0);
    expect(await client.auditEvent.count({ where: { action: "operator.joined" } })).toBe(1);
    expect(await client.auditEvent.count({ where: { action: "operator.invited" } })).toBe(1);

    const cookie = await signIn("bob@ops.test", "bob-password-12");
    const ops = await ok<{ email: string; disabled: boolean }[]>(call(H(listOperators), { headers: { cookie, origin: BASE } }), 200);
    expect(ops.map((o) => o.email).sort()).toEqual(["bob@ops.test", "ops@example.com"]);
    const issued = await ok<{ certificate: { pem: string }; approvals: { by: { email: string }[] } }>(call(H(approve), { headers: { cookie, origin: BASE }, params: { id: reg.request.id } }), 200);
    expect(issued.approvals.by.map((b) => b.email)).toEqual(["ops@example.com", "bob@ops.test"]);
    expect(issued.certificate.pem).toContain("BEGIN CERTIFICATE");
  });
});
