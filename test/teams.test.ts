// Teams through a real mailbox: every message Signet sends arrives at an SMTP server this test
// starts (smtp-server on 127.0.0.1:0, with AUTH), and each flow is finished by following the
// mailed link: verify the contact address → approve; invite → accept → the member requests a
// plugin certificate; decisions, revocations and expiry warnings reach the org's admins.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as verifyContact } from "@/app/api/v1/contact-verifications/[token]/route";
import { POST as revokeArtifactRoute } from "@/app/api/v1/artifacts/[id]/revoke/route";
import { POST as revokeCert } from "@/app/api/v1/certificates/[serial]/revoke/route";
import { GET as describeInvite } from "@/app/api/v1/invitations/[token]/route";
import { POST as acceptInvite } from "@/app/api/v1/invitations/[token]/accept/route";
import { POST as invite } from "@/app/api/v1/orgs/[slug]/invitations/route";
import { GET as listMembers } from "@/app/api/v1/orgs/[slug]/members/route";
import { DELETE as removeMember, PATCH as patchMember } from "@/app/api/v1/orgs/[slug]/members/[userId]/route";
import { POST as requestPlugin } from "@/app/api/v1/orgs/[slug]/plugin-cert-requests/route";
import { POST as upload } from "@/app/api/v1/orgs/[slug]/plugins/[pluginId]/artifacts/route";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { POST as reject } from "@/app/api/v1/requests/[id]/reject/route";
import { GET as listRequests } from "@/app/api/v1/requests/route";
import { POST as createToken } from "@/app/api/v1/tokens/route";
import { db } from "@/lib/db";
import { reloadEnv } from "@/lib/env";
import { pluginEntries, tempDir, zipTo } from "@/lib/pki/jpl/test-fixtures";
import { deliverDueMail, mailDeliverySettled } from "@/lib/server/mail/deliver-mail";
import { RETRY_DELAYS_MS } from "@/lib/server/outbox/outbox-runner";
import { scanExpiringCertificates } from "@/lib/server/notifications/scan-expiring-certificates";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { call, expectJson as ok, resetDatabase, signInCookie as signIn } from "./helpers";
import { expectTextHtmlAndPageLink, linkIn, SmtpSink } from "./smtp-sink";

const H = (h: unknown) => h as never;
const BASE = "http://localhost:3999";

describe("teams: mail, contact verification, members and invitations", () => {
  const smtp = new SmtpSink();
  const files = tempDir("signet-teams-");
  let operator = "";
  let admin = "";
  let requestId = "";
  let memberToken = "";
  let memberId = "";
  let adminId = "";

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

  it("mails a single-use verification link at registration; the operator cannot approve before it is followed (409), and can after", async () => {
    const reg = await ok<{ request: { id: string }; token: string }>(
      call(H(registerOrg), { json: { name: "Team O'Hara & Co", slug: "team", pluginIdPrefix: "com.team.", admin: { email: "alice@team.test", password: "alice-password-1", name: "Alice" }, token: true } }),
      201,
    );
    admin = reg.token;
    requestId = reg.request.id;
    const mail = await smtp.waitFor("alice@team.test", /Confirm the contact address/);
    expect(mail.from).toContain("store@signet.test");
    // The HTML part escapes the outsider-chosen name; the text part carries it as written.
    expect(mail.html).toContain("Team O&#39;Hara &amp; Co");
    expect(mail.text).toContain('"Team O\'Hara & Co"');
    expect(mail.text).toMatch(/http:\/\/localhost:3999\/verify-contact\/[A-Za-z0-9_-]{43}/);

    const queue = await ok<{ id: string; contactVerified?: boolean }[]>(call(H(listRequests), { token: operator, url: `${BASE}/api/v1/requests?status=pending` }), 200);
    expect(queue.find((r) => r.id === requestId)?.contactVerified).toBe(false);
    const refused = await call(H(approve), { token: operator, params: { id: requestId } });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { detail: string }).detail).toContain("contact address not verified");
    const db_ = await db();
    expect(await db_.certificateAuthority.count({ where: { org: { slug: "team" } } })).toBe(0);

    const token = linkIn(mail, "/verify-contact/");
    expect((await call(H(verifyContact), { method: "POST", params: { token: token.slice(0, 42) + (token[42] === "A" ? "B" : "A") } })).status).toBe(404);
    await ok(call(H(verifyContact), { method: "POST", params: { token } }), 200);
    // Single use.
    expect((await call(H(verifyContact), { method: "POST", params: { token } })).status).toBe(404);
    const after = await ok<{ id: string; contactVerified?: boolean }[]>(call(H(listRequests), { token: operator, url: `${BASE}/api/v1/requests?status=pending` }), 200);
    expect(after.find((r) => r.id === requestId)?.contactVerified).toBe(true);
    await ok(call(H(approve), { token: operator, params: { id: requestId } }), 200);
    const approved = await smtp.waitFor("alice@team.test", /Request approved/);
    expect(approved.text).toContain("http://localhost:3999/orgs/team");
  });

  it("an expired verification link is refused (409) and a fresh one can be sent", async () => {
    await ok(call(H(registerOrg), { json: { name: "Late Labs", slug: "late", pluginIdPrefix: "com.late.", admin: { email: "lea@late.test", password: "lea-password-12" }, token: false } }), 201);
    const mail = await smtp.waitFor("lea@late.test", /Confirm the contact address/);
    const client = await db();
    const org = await client.organization.findUniqueOrThrow({ where: { slug: "late" } });
    await client.verification.updateMany({ where: { identifier: `org-contact:${org.id}` }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const res = await call(H(verifyContact), { method: "POST", params: { token: linkIn(mail, "/verify-contact/") } });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toContain("expired");
    expect((await client.organization.findUniqueOrThrow({ where: { slug: "late" } })).contactVerifiedAt).toBeNull();
  });

  it("invites by mail; the link is accepted once by a new account, which then requests a plugin certificate as a member", async () => {
    const invited = await ok<{ id: string; expiresAt: string }>(call(H(invite), { token: admin, params: { slug: "team" }, json: { email: "Bob@Team.test", role: "member" } }), 201);
    expect(Object.keys(invited).sort()).toEqual(["email", "expiresAt", "id", "role"]);
    const days = (new Date(invited.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
    const mail = await smtp.waitFor("bob@team.test", /invites you to Team O'Hara & Co/);
    const token = linkIn(mail, "/invite/");
    // Only the hash is stored.
    const row = await (await db()).invitation.findUniqueOrThrow({ where: { id: invited.id } });
    expect(row.tokenHash).not.toBe(token);
    expect(JSON.stringify(row)).not.toContain(token);

    const described = await ok<{ orgName: string; email: string; role: string; accountExists: boolean }>(call(H(describeInvite), { params: { token } }), 200);
    expect(described).toMatchObject({ orgName: "Team O'Hara & Co", email: "bob@team.test", role: "member", accountExists: false });
    expect((await call(H(acceptInvite), { params: { token }, json: { name: "Bob", password: "short" } })).status).toBe(400);
    const accepted = await ok<{ membership: { orgSlug: string; role: string }; user: { id: string } }>(call(H(acceptInvite), { params: { token }, json: { name: "Bob", password: "bob-password-12" } }), 200);
    expect(accepted.membership).toEqual({ orgSlug: "team", role: "member" });
    memberId = accepted.user.id;
    expect((await call(H(acceptInvite), { params: { token }, json: { name: "Eve", password: "eve-password-12" } })).status).toBe(409);

    // Bob signs in with the password he chose, makes a token, and requests a plugin certificate.
    const cookie = await signIn("bob@team.test", "bob-password-12");
    memberToken = (await ok<{ token: string }>(call(H(createToken), { headers: { cookie, origin: BASE }, json: { name: "bob ci" } }), 201)).token;
    const created = await ok<{ request: { id: string } }>(call(H(requestPlugin), { token: memberToken, params: { slug: "team" }, json: { pluginId: "com.team.widget" } }), 201);
    // A member does not approve; an admin does, and the admins are told.
    expect((await call(H(approve), { token: memberToken, params: { id: created.request.id } })).status).toBe(403);
    const issued = await ok<{ certificate: { serial: string } }>(call(H(approve), { token: admin, params: { id: created.request.id } }), 200);
    await smtp.waitFor("alice@team.test", /Request approved: the plugin certificate for com\.team\.widget/);
    expect(smtp.received.some((m) => m.to === "bob@team.test" && /Request approved/.test(m.subject))).toBe(false);

    // Members upload archives; admins revoke artifacts, and the admins hear of it.
    const archive = fs.readFileSync(await zipTo(path.join(files, "w.jpl"), pluginEntries("com.team.widget", "1.0.0")));
    const artifact = await ok<{ id: string }>(call(H(upload), { token: memberToken, params: { slug: "team", pluginId: "com.team.widget" }, body: archive, headers: { "content-type": "application/zip" } }), 201);
    expect((await call(H(revokeArtifactRoute), { token: memberToken, params: { id: artifact.id }, json: { reason: "a bad build" } })).status).toBe(403);
    await ok(call(H(revokeArtifactRoute), { token: admin, params: { id: artifact.id }, json: { reason: "a bad <b>build</b>" } }), 200);
    const artifactMail = await smtp.waitFor("alice@team.test", /Artifact revoked: com\.team\.widget 1\.0\.0/);
    expect(artifactMail.html).toContain("a bad &lt;b&gt;build&lt;/b&gt;");

    // Expiry warnings at 30 and at 7 days.
    const client = await db();
    const cert = await client.certificate.findFirstOrThrow({ where: { serialHex: issued.certificate.serial } });
    await scanExpiringCertificates(new Date(cert.notAfter.getTime() - 29.5 * 86_400_000));
    await smtp.waitFor("alice@team.test", /Certificate expires in 30 days: O=Team/);
    await scanExpiringCertificates(new Date(cert.notAfter.getTime() - 6.5 * 86_400_000));
    await smtp.waitFor("alice@team.test", /Certificate expires in 7 days: O=Team/);

    // Members do not revoke certificates; admins do, and are told.
    expect((await call(H(revokeCert), { token: memberToken, params: { serial: issued.certificate.serial }, json: { reason: "superseded" } })).status).toBe(403);
    await ok(call(H(revokeCert), { token: admin, params: { serial: issued.certificate.serial }, json: { reason: "keyCompromise" } }), 200);
    const revoked = await smtp.waitFor("alice@team.test", /Certificate revoked/);
    expect(revoked.text).toContain("keyCompromise");
    expect(revoked.text).toContain(`/certificates/${issued.certificate.serial}`);
  });

  it("mails a rejection with its reason to the org's admins", async () => {
    const created = await ok<{ request: { id: string } }>(call(H(requestPlugin), { token: memberToken, params: { slug: "team" }, json: { pluginId: "com.team.gadget" } }), 201);
    await ok(call(H(reject), { token: admin, params: { id: created.request.id }, json: { reason: "Name it com.team.tools.gadget" } }), 200);
    const mail = await smtp.waitFor("alice@team.test", /Request rejected: the plugin certificate for com\.team\.gadget/);
    expect(mail.text).toContain("Reason given: Name it com.team.tools.gadget");
  });

  it("org admins list members and change roles; the last admin cannot be demoted, removed or leave (409)", async () => {
    expect((await call(H(listMembers), { token: memberToken, params: { slug: "team" } })).status).toBe(403);
    const members = await ok<{ userId: string; email: string; role: string }[]>(call(H(listMembers), { token: admin, params: { slug: "team" } }), 200);
    expect(members.map((m) => [m.email, m.role])).toEqual([
      ["alice@team.test", "admin"],
      ["bob@team.test", "member"],
    ]);
    adminId = members[0].userId;
    expect((await call(H(patchMember), { token: admin, params: { slug: "team", userId: adminId }, json: { role: "member" } })).status).toBe(409);
    expect((await call(H(removeMember), { token: admin, params: { slug: "team", userId: adminId } })).status).toBe(409);
    expect((await call(H(patchMember), { token: memberToken, params: { slug: "team", userId: memberId }, json: { role: "admin" } })).status).toBe(403);
    expect((await call(H(patchMember), { token: admin, params: { slug: "team", userId: memberId }, json: { role: "owner" } })).status).toBe(400);
    await ok(call(H(patchMember), { token: admin, params: { slug: "team", userId: memberId }, json: { role: "admin" } }), 200);
    // Now Alice may step down, and Bob (admin) approves.
    await ok(call(H(patchMember), { token: admin, params: { slug: "team", userId: adminId }, json: { role: "member" } }), 200);
    expect((await call(H(removeMember), { token: memberToken, params: { slug: "team", userId: memberId } })).status).toBe(409);
    await ok(call(H(removeMember), { token: memberToken, params: { slug: "team", userId: adminId } }), 200);
    expect((await call(H(requestPlugin), { token: admin, params: { slug: "team" }, json: { pluginId: "com.team.after" } })).status).toBe(404);
    const client = await db();
    const actions = (await client.auditEvent.findMany({ where: { action: { startsWith: "member." } }, orderBy: { seq: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["member.invited", "member.joined", "member.role_changed", "member.role_changed", "member.removed"]);
  });

  it("a signed-in invitee joins with the account they have; another person's session is refused (403)", async () => {
    await ok(call(H(invite), { token: memberToken, params: { slug: "team" }, json: { email: "lea@late.test", role: "admin" } }), 201);
    const token = linkIn(await smtp.waitFor("lea@late.test", /invites you to/), "/invite/");
    expect((await ok<{ accountExists: boolean }>(call(H(describeInvite), { params: { token } }), 200)).accountExists).toBe(true);
    expect((await call(H(acceptInvite), { params: { token }, json: { name: "Lea", password: "lea-password-99" } })).status).toBe(409);
    expect((await call(H(acceptInvite), { token: memberToken, params: { token } })).status).toBe(403);
    const cookie = await signIn("lea@late.test", "lea-password-12");
    const joined = await ok<{ membership: { role: string } }>(call(H(acceptInvite), { headers: { cookie, origin: BASE }, params: { token }, method: "POST" }), 200);
    expect(joined.membership.role).toBe("admin");
  });

  it("a mail server that refuses fails nothing: the workflow commits, the failure is audited, and a retry delivers", async () => {
    await mailDeliverySettled();
    smtp.refusing = true;
    const invited = await ok<{ id: string }>(call(H(invite), { token: memberToken, params: { slug: "team" }, json: { email: "carol@team.test" } }), 201);
    await mailDeliverySettled();
    const client = await db();
    const failed = await client.mailMessage.findFirstOrThrow({ where: { to: "carol@team.test" } });
    expect(failed).toMatchObject({ status: "pending", attempts: 1 });
    expect(failed.lastError).toContain("451");
    expect(failed.lastError).not.toContain("smtp-secret-1");
    const audited = await client.auditEvent.findFirstOrThrow({ where: { action: "mail.delivery_failed", subjectId: failed.id } });
    expect(audited.outcome).toBe("failure");
    expect(await client.invitation.count({ where: { id: invited.id, status: "pending" } })).toBe(1);
    smtp.refusing = false;
    expect(await deliverDueMail()).toBe(0);
    expect(await deliverDueMail(new Date(failed.nextAttemptAt!.getTime() + 1000))).toBe(1);
    expect(RETRY_DELAYS_MS[0]).toBe(30_000);
    await smtp.waitFor("carol@team.test", /invites you to/);
    expect((await client.mailMessage.findUniqueOrThrow({ where: { id: failed.id } })).status).toBe("delivered");
  });

  it("every message received above (verification, invitations, decisions, expiry at 30 and 7 days, revocations) had plain text and HTML with the same link to a console page", async () => {
    const kinds = new Set<string>();
    for (const mail of smtp.received) {
      const link = expectTextHtmlAndPageLink(mail, BASE);
      kinds.add(link.split("/")[1]);
    }
    expect(smtp.received.length).toBeGreaterThanOrEqual(10);
    for (const subject of [/Confirm the contact address/, /invites you to/, /Request approved/, /Request rejected/, /expires in 30 days/, /expires in 7 days/, /Certificate revoked/, /Artifact revoked/]) {
      expect(smtp.received.some((m) => subject.test(m.subject)), String(subject)).toBe(true);
    }
    expect([...kinds].sort()).toEqual(expect.arrayContaining(["invite", "verify-contact"]));
  });
});
