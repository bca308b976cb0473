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
import { POST as requestReset } from "@/app/api/v1/password-resets/route";
import { POST as resetPassword } from "@/app/api/v1/password-resets/[token]/route";
import { POST as disableUser } from "@/app/api/v1/users/[id]/disable/route";
import { POST as sendReset } from "@/app/api/v1/users/[id]/password-reset/route";
import { GET as listOrgs } from "@/app/api/v1/orgs/route";
import { db } from "@/lib/db";
import { reloadEnv } from "@/lib/env";
import { resetRateLimits } from "@/lib/server/http/rate-limit";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { call, expectJson as ok, resetDatabase, signInCookie as signIn } from "./helpers";
import { expectTextHtmlAndPageLink, linkIn, SmtpSink } from "./smtp-sink";

const H = (h: unknown) => h as never;
const BASE = "http://localhost:3999";

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

  it("password reset by a mailed single-use link: the new password works, the old one and the old sessions do not", async () => {
    const before = await signIn("alice@pair.test", "alice-password-1");
    expect((await call(H(listOrgs), { headers: { cookie: before, origin: BASE } })).status).toBe(200);
    const asked = await ok<{ status: string }>(call(H(requestReset), { json: { email: "Alice@Pair.test" } }), 202);
    // An unknown address gets the same answer, and no mail.
    expect(await ok(call(H(requestReset), { json: { email: "nobody@pair.test" } }), 202)).toEqual(asked);
    expect((await call(H(requestReset), { json: { email: "not an address" } })).status).toBe(400);
    const mail = await smtp.waitFor("alice@pair.test", /new Signet password/);
    const token = linkIn(mail, "/reset-password/");
    expect(mail.text).toContain(`http://localhost:3999/reset-password/${token}`);
    expect((await call(H(resetPassword), { params: { token }, json: { password: "short" } })).status).toBe(400);
    expect((await call(H(resetPassword), { params: { token: "A".repeat(24) }, json: { password: "alice-new-password-2" } })).status).toBe(404);
    expect((await call(H(resetPassword), { params: { token: "../../x" }, json: { password: "alice-new-password-2" } })).status).toBe(400);
    await ok(call(H(resetPassword), { params: { token }, json: { password: "alice-new-password-2" } }), 200);
    // Single use.
    expect((await call(H(resetPassword), { params: { token }, json: { password: "alice-new-password-3" } })).status).toBe(404);
    // The old session ended; the old password is refused; the new one signs in.
    expect((await call(H(listOrgs), { headers: { cookie: before, origin: BASE } })).status).toBe(401);
    const old = await authPost(new Request(`${BASE}/api/auth/sign-in/email`, { method: "POST", headers: { origin: BASE, "content-type": "application/json" }, body: JSON.stringify({ email: "alice@pair.test", password: "alice-password-1" }) }));
    expect(old.status).toBe(401);
    await signIn("alice@pair.test", "alice-new-password-2");
    const client = await db();
    expect(await client.auditEvent.count({ where: { action: "user.password_reset" } })).toBe(1);
    expect(smtp.received.filter((m) => m.to === "nobody@pair.test")).toHaveLength(0);
  });

  it("an operator sends another operator a reset link: it is mailed to that operator (never shown to the sender), and it works once", async () => {
    resetRateLimits();
    const client = await db();
    const bob = await client.user.findUniqueOrThrow({ where: { email: "bob@ops.test" } });
    const sent = await ok<{ sent: boolean; via: string; email: string }>(call(H(sendReset), { token: operator, params: { id: bob.id } }), 202);
    expect(sent).toMatchObject({ sent: true, via: "smtp", email: "bob@ops.test" });
    expect(JSON.stringify(sent)).not.toContain("reset-password");
    const mail = await smtp.waitFor("bob@ops.test", /new Signet password/);
    expect(mail.html).toMatch(/<a href="http:\/\/localhost:3999\/reset-password\/[A-Za-z0-9]{24}"/);
    const token = linkIn(mail, "/reset-password/");
    await ok(call(H(resetPassword), { params: { token }, json: { password: "bob-new-password-34" } }), 200);
    await signIn("bob@ops.test", "bob-new-password-34");
    expect(await client.auditEvent.count({ where: { action: "user.password_reset_sent", subjectId: bob.id } })).toBe(1);
    // Not for the operator's own account (that is "forgot password"), nor for nobody.
    expect((await call(H(sendReset), { token: operator, params: { id: (await client.user.findUniqueOrThrow({ where: { email: "ops@example.com" } })).id } })).status).toBe(409);
    expect((await call(H(sendReset), { token: operator, params: { id: "no-such-user" } })).status).toBe(404);
  });

  it("a disabled account gets no reset link, and a link mailed before it was disabled sets nothing", async () => {
    resetRateLimits();
    const client = await db();
    const alice = await client.user.findUniqueOrThrow({ where: { email: "alice@pair.test" } });
    const count = () => smtp.received.filter((m) => m.to === "alice@pair.test" && /new Signet password/.test(m.subject)).length;
    const earlier = count();
    await ok(call(H(requestReset), { json: { email: "alice@pair.test" } }), 202);
    for (let i = 0; i < 100 && count() === earlier; i++) await new Promise((r) => setTimeout(r, 50));
    expect(count()).toBe(earlier + 1);
    const mails = smtp.received.filter((m) => m.to === "alice@pair.test" && /new Signet password/.test(m.subject));
    const token = linkIn(mails.at(-1)!, "/reset-password/");
    await ok(call(H(disableUser), { token: operator, params: { id: alice.id }, json: { reason: "left" } }), 200);
    expect((await call(H(resetPassword), { params: { token }, json: { password: "alice-new-password-9" } })).status).toBe(403);
    const sent = count();
    await ok(call(H(requestReset), { json: { email: "alice@pair.test" } }), 202);
    const { mailDeliverySettled, deliverDueMail } = await import("@/lib/server/mail/deliver-mail");
    await mailDeliverySettled();
    await deliverDueMail();
    expect(count()).toBe(sent);
  });

  it("every message received above (operator invitation, password resets) had plain text and HTML with the same link to a console page", async () => {
    for (const mail of smtp.received) expectTextHtmlAndPageLink(mail, BASE);
    expect(smtp.received.some((m) => /new Signet password/.test(m.subject))).toBe(true);
    expect(smtp.received.some((m) => /operator/.test(m.subject))).toBe(true);
  });
});
