// With no SMTP configured, mail goes to files in <data dir>/outbox (0600 files in a 0700
// directory) and operators read them through GET /api/v1/outbox; the flows finish from there.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as verifyContact } from "@/app/api/v1/contact-verifications/[token]/route";
import { POST as invite } from "@/app/api/v1/orgs/[slug]/invitations/route";
import { POST as acceptInvite } from "@/app/api/v1/invitations/[token]/accept/route";
import { GET as readOutbox } from "@/app/api/v1/outbox/route";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { GET as getRequest } from "@/app/api/v1/requests/[id]/route";
import { POST as sendReset } from "@/app/api/v1/users/[id]/password-reset/route";
import { POST as requestReset } from "@/app/api/v1/password-resets/route";
import { POST as resetPassword } from "@/app/api/v1/password-resets/[token]/route";
import { env } from "@/lib/env";
import { db } from "@/lib/db";
import { mailDeliverySettled, outboxDir } from "@/lib/server/mail/deliver-mail";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { call, resetDatabase, signInCookie } from "./helpers";

const H = (h: unknown) => h as never;
type Message = { id: string; kind: string; to: string; subject: string; text: string; html: string };

describe("mail outbox (no SMTP configured)", () => {
  let operator = "";
  let admin = "";
  let requestId = "";

  beforeAll(async () => {
    await resetDatabase();
    expect(env().mail.smtpUrl).toBeUndefined();
    operator = (await initializeSignet({ adminEmail: "ops@example.com", adminPassword: "pw-123456789" })).operatorToken;
    const reg = await call(H(registerOrg), { json: { name: "Outbox Org", slug: "outbox", pluginIdPrefix: "com.outbox.", contactEmail: "Contact@Outbox.test", admin: { email: "admin@outbox.test", password: "outbox-password-1" }, token: true } });
    expect(reg.status).toBe(201);
    const body = (await reg.json()) as { token: string; request: { id: string } };
    admin = body.token;
    requestId = body.request.id;
    await mailDeliverySettled();
  });

  const outbox = async (query = "") => {
    const res = await call(H(readOutbox), { token: operator, url: `http://localhost:3999/api/v1/outbox${query}` });
    expect(res.status).toBe(200);
    return (await res.json()) as Message[];
  };

  it("writes each message as a file only the server's user can read, in a directory only it can enter", async () => {
    expect(fs.statSync(outboxDir()).mode & 0o777).toBe(0o700);
    const names = fs.readdirSync(outboxDir()).filter((n) => n.endsWith(".json"));
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(fs.statSync(path.join(outboxDir(), n)).mode & 0o777).toBe(0o600);
  });

  it("without SMTP too, the operator cannot approve before the contact followed its link (409); the review says where the link went", async () => {
    const refused = await call(H(approve), { token: operator, params: { id: requestId } });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { detail: string }).detail).toContain("contact address not verified");
    expect(await (await db()).certificateAuthority.count({ where: { org: { slug: "outbox" } } })).toBe(0);
    const review = (await (await call(H(getRequest), { token: operator, params: { id: requestId } })).json()) as { contactVerified: boolean; contact: unknown };
    expect(review.contactVerified).toBe(false);
    expect(review.contact).toEqual({ email: "contact@outbox.test", verified: false, mail: "outbox" });
  });

  it("lets the operator read the verification mail, sent to the contact address, and finish the flow from its link", async () => {
    const [mail] = (await outbox("?to=contact@outbox.test")).filter((m) => m.kind === "contact-verification");
    expect(mail.subject).toBe("Confirm the contact address of Outbox Org on Signet");
    expect(mail.html).toContain("<a href=\"http://localhost:3999/verify-contact/");
    const token = /\/verify-contact\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1];
    expect((await call(H(verifyContact), { method: "POST", params: { token } })).status).toBe(200);
    expect((await call(H(approve), { token: operator, params: { id: requestId } })).status).toBe(200);
    await mailDeliverySettled();
    // The decision goes to the admin and to the now verified contact address.
    for (const to of ["admin@outbox.test", "contact@outbox.test"]) {
      expect((await outbox(`?to=${to}`)).filter((m) => m.kind === "request-decided").map((m) => m.subject)).toEqual(["Request approved: the organization CA of Outbox Org"]);
    }
  });

  it("without SMTP nobody self-serves a reset (409); an operator sends an org user's reset link to the outbox, forwards it, and it works once; never an operator's", async () => {
    expect((await call(H(requestReset), { json: { email: "admin@outbox.test" } })).status).toBe(409);
    const client = await db();
    const adminUser = await client.user.findUniqueOrThrow({ where: { email: "admin@outbox.test" } });
    const opsUser = await client.user.findUniqueOrThrow({ where: { email: "ops@example.com" } });
    expect((await call(H(sendReset), { token: admin, params: { id: adminUser.id } })).status).toBe(403);
    expect((await call(H(sendReset), { token: operator, params: { id: opsUser.id } })).status).toBe(409);
    const sent = (await (await call(H(sendReset), { token: operator, params: { id: adminUser.id } })).json()) as { via: string };
    expect(sent.via).toBe("outbox");
    await mailDeliverySettled();
    const [mail] = (await outbox("?to=admin@outbox.test")).filter((m) => m.kind === "password-reset");
    expect(mail.html).toContain('<a href="http://localhost:3999/reset-password/');
    const token = /\/reset-password\/([A-Za-z0-9]{24})/.exec(mail.text)![1];
    expect((await call(H(resetPassword), { params: { token }, json: { password: "outbox-new-password-2" } })).status).toBe(200);
    expect((await call(H(resetPassword), { params: { token }, json: { password: "outbox-new-password-3" } })).status).toBe(404);
    await signInCookie("admin@outbox.test", "outbox-new-password-2");
    expect(await client.auditEvent.count({ where: { action: "user.password_reset_sent", subjectId: adminUser.id } })).toBe(1);
  });

  it("carries invitations too; the operator's copy of the link works once", async () => {
    expect((await call(H(invite), { token: admin, params: { slug: "outbox" }, json: { email: "dev@outbox.test" } })).status).toBe(201);
    await mailDeliverySettled();
    const [mail] = await outbox("?to=dev@outbox.test");
    expect(mail.kind).toBe("invitation");
    const token = /\/invite\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1];
    expect((await call(H(acceptInvite), { params: { token }, json: { name: "Dev", password: "dev-password-123" } })).status).toBe(200);
    expect((await call(H(acceptInvite), { params: { token }, json: { name: "Dev", password: "dev-password-123" } })).status).toBe(409);
  });

  it("answers a bad query with 400 and refuses everyone but operators", async () => {
    expect((await call(H(readOutbox), { token: operator, url: "http://localhost:3999/api/v1/outbox?limit=0" })).status).toBe(400);
    expect((await call(H(readOutbox), { token: admin, url: "http://localhost:3999/api/v1/outbox" })).status).toBe(403);
    expect((await call(H(readOutbox), { url: "http://localhost:3999/api/v1/outbox" })).status).toBe(401);
  });
});
