// The authorization matrix: every route against anonymous, a plain member, the admin of another
// organization, the org's own admin and an operator. Another organization's objects answer 404.
import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { GET as listOrgs, POST as registerOrg } from "@/app/api/v1/orgs/route";
import { GET as getOrg } from "@/app/api/v1/orgs/[slug]/route";
import { GET as listRequests } from "@/app/api/v1/requests/route";
import { GET as getRequest } from "@/app/api/v1/requests/[id]/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { POST as reject } from "@/app/api/v1/requests/[id]/reject/route";
import { POST as requestPlugin } from "@/app/api/v1/orgs/[slug]/plugin-cert-requests/route";
import { POST as previewPlugin } from "@/app/api/v1/orgs/[slug]/plugin-cert-requests/preview/route";
import { GET as listCertificates } from "@/app/api/v1/certificates/route";
import { GET as getCertificate } from "@/app/api/v1/certificates/[serial]/route";
import { POST as revoke } from "@/app/api/v1/certificates/[serial]/revoke/route";
import { POST as createToken } from "@/app/api/v1/tokens/route";
import { GET as listTargets } from "@/app/api/v1/settings/targets/route";
import { PUT as putTarget } from "@/app/api/v1/settings/targets/[target]/route";
import { POST as addStoreKey } from "@/app/api/v1/settings/targets/[target]/keys/route";
import { POST as activateStoreKey } from "@/app/api/v1/settings/targets/[target]/keys/[keyId]/activate/route";
import { POST as retireStoreKey } from "@/app/api/v1/settings/targets/[target]/keys/[keyId]/retire/route";
import { GET as trustDocument } from "@/app/api/v1/trust/route";
import { GET as trustKeyFile } from "@/app/(public)/trust/[target]/keys/[keyId]/route";
import { GET as grafanaKeys } from "@/app/grafana/api/plugins/ci/keys/route";
import { PUT as putOrgGrafana } from "@/app/api/v1/orgs/[slug]/targets/grafana/route";
import { POST as registerCertificate } from "@/app/api/v1/orgs/[slug]/certificates/route";
import { GET as crlState, POST as uploadCrl } from "@/app/api/v1/cas/[caId]/crl/route";
import { GET as responderState, POST as responderCsr, PUT as installResponder } from "@/app/api/v1/cas/[caId]/ocsp-responder/route";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { createApiToken } from "@/lib/server/tokens/create-api-token";
import { principalForUser } from "@/lib/server/auth/resolve-principal";
import { GET as listMembers } from "@/app/api/v1/orgs/[slug]/members/route";
import { DELETE as removeMember, PATCH as patchMember } from "@/app/api/v1/orgs/[slug]/members/[userId]/route";
import { GET as listInvitations, POST as invite } from "@/app/api/v1/orgs/[slug]/invitations/route";
import { DELETE as cancelInvitation } from "@/app/api/v1/orgs/[slug]/invitations/[id]/route";
import { GET as describeInvitation } from "@/app/api/v1/invitations/[token]/route";
import { POST as acceptInvitation } from "@/app/api/v1/invitations/[token]/accept/route";
import { GET as readOutbox } from "@/app/api/v1/outbox/route";
import { POST as verifyContact } from "@/app/api/v1/contact-verifications/[token]/route";
import { POST as resendVerification } from "@/app/api/v1/orgs/[slug]/contact-verification/route";
import { deliverDueMail, mailDeliverySettled } from "@/lib/server/mail/deliver-mail";
import { GET as listOperators } from "@/app/api/v1/operators/route";
import { GET as listOperatorInvitations, POST as inviteOperator } from "@/app/api/v1/operators/invitations/route";
import { POST as disableUser } from "@/app/api/v1/users/[id]/disable/route";
import { POST as sendPasswordReset } from "@/app/api/v1/users/[id]/password-reset/route";
import { POST as requestPasswordReset } from "@/app/api/v1/password-resets/route";
import { POST as resetPassword } from "@/app/api/v1/password-resets/[token]/route";
import { GET as getPolicy, PATCH as patchPolicy, PUT as putPolicy } from "@/app/api/v1/settings/policy/route";
import { GET as listPendingRevocations } from "@/app/api/v1/pending-revocations/route";
import { DELETE as withdrawRevocation } from "@/app/api/v1/pending-revocations/[id]/route";
import { OPERATOR_ROLE } from "@/lib/server/auth/auth";
import { GET as accountSecurity } from "@/app/api/v1/account/security/route";
import { DELETE as removePasskey } from "@/app/api/v1/account/passkeys/[id]/route";
import { GET as liveness } from "@/app/api/v1/health/route";
import { GET as readiness } from "@/app/api/v1/health/ready/route";
import { POST as withdrawRequest } from "@/app/api/v1/requests/[id]/withdraw/route";
import { POST as renewCertificate } from "@/app/api/v1/certificates/[serial]/renew/route";
import { POST as reapplyOrg } from "@/app/api/v1/orgs/[slug]/reapply/route";
import { POST as suspendOrg } from "@/app/api/v1/orgs/[slug]/suspend/route";
import { GET as suspensionImpact } from "@/app/api/v1/orgs/[slug]/suspension-impact/route";
import { GET as listOrgWebhooks, POST as createOrgWebhook } from "@/app/api/v1/orgs/[slug]/webhooks/route";
import { DELETE as deleteOrgWebhook } from "@/app/api/v1/orgs/[slug]/webhooks/[id]/route";
import { GET as orgWebhookDeliveries } from "@/app/api/v1/orgs/[slug]/webhooks/[id]/deliveries/route";
import { GET as listPlugins } from "@/app/api/v1/orgs/[slug]/plugins/route";
import { GET as getPlugin } from "@/app/api/v1/orgs/[slug]/plugins/[pluginId]/route";
import { POST as decideMany } from "@/app/api/v1/requests/decisions/route";
import { GET as exportAudit } from "@/app/api/v1/audit/export/route";
import { call, followContactLink, resetDatabase } from "./helpers";
import { outboxMessages } from "./mail-outbox";

const H = (h: unknown) => h as never;
type Who = "anonymous" | "member" | "otherAdmin" | "admin" | "operator";
const tokens: Record<Who, string | undefined> = { anonymous: undefined, member: "", otherAdmin: "", admin: "", operator: "" };

async function register(name: string, slug: string, prefix: string): Promise<{ token: string; requestId: string }> {
  const res = await call(H(registerOrg), { json: { name, slug, pluginIdPrefix: prefix, admin: { email: `admin@${slug}.test`, password: "org-password-1" }, token: true } });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { token: string; request: { id: string } };
  await followContactLink(`admin@${slug}.test`);
  return { token: body.token, requestId: body.request.id };
}

async function approveAs(token: string, id: string) {
  const res = await call(H(approve), { token, params: { id } });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { certificate: { serial: string } };
}

describe("authorization matrix", () => {
  let pendingPluginRequest = "";
  let pluginSerial = "";
  let rejectTarget = "";
  let memberUserId = "";
  let extraUserId = "";
  let orgCaId = "";
  // A store operator's account, disabled: its token was valid, its role would allow everything.
  let disabledToken = "";
  let disabledUserId = "";

  beforeAll(async () => {
    await resetDatabase();
    tokens.operator = (await initializeSignet({ adminEmail: "ops@example.com", adminPassword: "pw-123456789" })).operatorToken;
    const a = await register("Org A", "org-a", "com.a.");
    const b = await register("Org B", "org-b", "com.b.");
    tokens.admin = a.token;
    tokens.otherAdmin = b.token;
    await approveAs(tokens.operator, a.requestId);
    await approveAs(tokens.operator, b.requestId);
    // A plain member of org A.
    const client = await db();
    const org = await client.organization.findUniqueOrThrow({ where: { slug: "org-a" } });
    orgCaId = (await client.certificateAuthority.findFirstOrThrow({ where: { orgId: org.id, kind: "org" } })).id;
    const userId = crypto.randomUUID();
    await client.user.create({ data: { id: userId, email: "member@org-a.test", name: "Member" } });
    await client.member.create({ data: { id: crypto.randomUUID(), organizationId: org.id, userId, role: "member" } });
    tokens.member = (await createApiToken(await principalForUser(client, userId, "token"), { name: "member" })).token;
    memberUserId = userId;
    extraUserId = crypto.randomUUID();
    await client.user.create({ data: { id: extraUserId, email: "extra@org-a.test", name: "Extra" } });
    await client.member.create({ data: { id: crypto.randomUUID(), organizationId: org.id, userId: extraUserId, role: "member" } });

    const issued = await call(H(requestPlugin), { token: tokens.member, params: { slug: "org-a" }, json: { pluginId: "com.a.first" } });
    expect(issued.status).toBe(201);
    const firstId = ((await issued.json()) as { request: { id: string } }).request.id;
    pluginSerial = (await approveAs(tokens.admin!, firstId)).certificate.serial;
    pendingPluginRequest = ((await (await call(H(requestPlugin), { token: tokens.member, params: { slug: "org-a" }, json: { pluginId: "com.a.second" } })).json()) as { request: { id: string } }).request.id;
    rejectTarget = ((await (await call(H(requestPlugin), { token: tokens.member, params: { slug: "org-a" }, json: { pluginId: "com.a.third" } })).json()) as { request: { id: string } }).request.id;
    disabledUserId = crypto.randomUUID();
    await client.user.create({ data: { id: disabledUserId, email: "former@ops.test", name: "Former", role: OPERATOR_ROLE } });
    disabledToken = (await createApiToken(await principalForUser(client, disabledUserId, "token"), { name: "former" })).token;
    const disabled = await call(H(disableUser), { token: tokens.operator, params: { id: disabledUserId }, json: { reason: "matrix: a disabled account" } });
    expect(disabled.status, await disabled.clone().text()).toBe(200);
  });

  const expectStatus = async (who: Who, res: Promise<Response>, status: number) => {
    const r = await res;
    expect(r.status, `${who}: ${await r.clone().text()}`).toBe(status);
    if (status >= 400) expect(r.headers.get("content-type")).toBe("application/problem+json");
    return r;
  };

  it("GET /api/v1/orgs: 401 anonymous; members see only their own; operators all", async () => {
    await expectStatus("anonymous", call(H(listOrgs)), 401);
    const slugs = async (who: Who) => ((await (await call(H(listOrgs), { token: tokens[who] })).json()) as { slug: string }[]).map((o) => o.slug).sort();
    expect(await slugs("member")).toEqual(["org-a"]);
    expect(await slugs("otherAdmin")).toEqual(["org-b"]);
    expect(await slugs("operator")).toEqual(["org-a", "org-b"]);
  });

  it("GET /api/v1/orgs/{slug}", async () => {
    const matrix: [Who, number][] = [["anonymous", 401], ["member", 200], ["otherAdmin", 404], ["admin", 200], ["operator", 200]];
    for (const [who, status] of matrix) await expectStatus(who, call(H(getOrg), { token: tokens[who], params: { slug: "org-a" } }), status);
  });

  it("GET /api/v1/requests and /requests/{id}", async () => {
    await expectStatus("anonymous", call(H(listRequests)), 401);
    const ids = async (who: Who) => ((await (await call(H(listRequests), { token: tokens[who] })).json()) as { id: string }[]).map((r) => r.id);
    expect(await ids("otherAdmin")).not.toContain(pendingPluginRequest);
    expect(await ids("member")).toContain(pendingPluginRequest);
    expect(await ids("operator")).toContain(pendingPluginRequest);
    const matrix: [Who, number][] = [["anonymous", 401], ["member", 200], ["otherAdmin", 404], ["admin", 200], ["operator", 200]];
    for (const [who, status] of matrix) await expectStatus(who, call(H(getRequest), { token: tokens[who], params: { id: pendingPluginRequest } }), status);
  });

  it("POST /api/v1/orgs/{slug}/plugin-cert-requests", async () => {
    const body = { pluginId: "com.a.matrix" };
    const matrix: [Who, number][] = [["anonymous", 401], ["otherAdmin", 404], ["operator", 403], ["member", 201]];
    for (const [who, status] of matrix) await expectStatus(who, call(H(requestPlugin), { token: tokens[who], params: { slug: "org-a" }, json: body }), status);
  });

  it("POST /api/v1/orgs/{slug}/plugin-cert-requests/preview", async () => {
    const body = { pluginId: "com.a.preview" };
    const matrix: [Who, number][] = [["anonymous", 401], ["otherAdmin", 404], ["operator", 403], ["member", 200], ["admin", 200]];
    for (const [who, status] of matrix) await expectStatus(who, call(H(previewPlugin), { token: tokens[who], params: { slug: "org-a" }, json: body }), status);
    // A dry run stores nothing: the plugin id is still free for a real request.
    expect(await (await db()).certificateRequest.count({ where: { pluginId: "com.a.preview" } })).toBe(0);
  });

  it("POST /api/v1/requests/{id}/reject", async () => {
    const matrix: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 404], ["admin", 200]];
    for (const [who, status] of matrix) await expectStatus(who, call(H(reject), { token: tokens[who], params: { id: rejectTarget }, json: { reason: "matrix test" } }), status);
  });

  it("POST /api/v1/requests/{id}/approve", async () => {
    const matrix: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 404], ["operator", 200], ["admin", 409]];
    for (const [who, status] of matrix) await expectStatus(who, call(H(approve), { token: tokens[who], params: { id: pendingPluginRequest } }), status);
  });

  it("GET /api/v1/certificates and /certificates/{serial}", async () => {
    await expectStatus("anonymous", call(H(listCertificates)), 401);
    const serials = async (who: Who) => ((await (await call(H(listCertificates), { token: tokens[who] })).json()) as { serial: string }[]).map((c) => c.serial);
    expect(await serials("otherAdmin")).not.toContain(pluginSerial);
    expect(await serials("member")).toContain(pluginSerial);
    const matrix: [Who, number][] = [["anonymous", 401], ["member", 200], ["otherAdmin", 404], ["admin", 200], ["operator", 200]];
    for (const [who, status] of matrix) await expectStatus(who, call(H(getCertificate), { token: tokens[who], params: { serial: pluginSerial } }), status);
  });

  it("POST /api/v1/certificates/{serial}/revoke", async () => {
    const body = { reason: "superseded" };
    const matrix: [Who, number][] = [["anonymous", 401], ["otherAdmin", 404], ["member", 403], ["admin", 200], ["operator", 409]];
    for (const [who, status] of matrix) await expectStatus(who, call(H(revoke), { token: tokens[who], params: { serial: pluginSerial }, json: body }), status);
  });

  // External-key CA routes, on org A's CA (whose key Signet hosts): whoever gets past authorization
  // meets 409, which shows the order — identity, visibility, role, then the CA's kind.
  it("POST /api/v1/orgs/{slug}/certificates (org admin)", async () => {
    const body = { pem: "-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n" };
    const matrix: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 404], ["operator", 403], ["admin", 409]];
    for (const [who, status] of matrix) await expectStatus(who, call(H(registerCertificate), { token: tokens[who], params: { slug: "org-a" }, json: body }), status);
  });

  it("POST /api/v1/cas/{caId}/crl (org admin) and GET (members, operators)", async () => {
    const post = (who: Who) => call(H(uploadCrl), { token: tokens[who], params: { caId: orgCaId }, body: new Uint8Array([0x30, 0x00]), headers: { "content-type": "application/pkix-crl" } });
    const writes: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 404], ["operator", 403], ["admin", 409]];
    for (const [who, status] of writes) await expectStatus(who, post(who), status);
    const reads: [Who, number][] = [["anonymous", 401], ["otherAdmin", 404], ["member", 409], ["operator", 409], ["admin", 409]];
    for (const [who, status] of reads) await expectStatus(who, call(H(crlState), { token: tokens[who], params: { caId: orgCaId } }), status);
  });

  it("POST/PUT /api/v1/cas/{caId}/ocsp-responder (org admin) and GET (members, operators)", async () => {
    const writes: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 404], ["operator", 403], ["admin", 409]];
    for (const [who, status] of writes) {
      await expectStatus(who, call(H(responderCsr), { method: "POST", token: tokens[who], params: { caId: orgCaId } }), status);
      await expectStatus(who, call(H(installResponder), { method: "PUT", token: tokens[who], params: { caId: orgCaId }, json: { pem: "x" } }), status);
    }
    const reads: [Who, number][] = [["anonymous", 401], ["otherAdmin", 404], ["member", 409], ["operator", 409], ["admin", 409]];
    for (const [who, status] of reads) await expectStatus(who, call(H(responderState), { token: tokens[who], params: { caId: orgCaId } }), status);
  });

  it("POST /api/v1/tokens needs an identity", async () => {
    await expectStatus("anonymous", call(H(createToken), { json: { name: "x" } }), 401);
    await expectStatus("member", call(H(createToken), { token: tokens.member, json: { name: "x" } }), 201);
  });

  it("store targets: settings and key rotation are operator-only; trust, key files and Grafana's keys are public", async () => {
    const everyoneButOperator: Who[] = ["anonymous", "member", "otherAdmin", "admin"];
    const refused = (who: Who) => (who === "anonymous" ? 401 : 403);
    for (const who of everyoneButOperator) {
      await expectStatus(who, call(H(listTargets), { token: tokens[who] }), refused(who));
      await expectStatus(who, call(H(putTarget), { method: "PUT", token: tokens[who], params: { target: "mattermost" }, json: { enabled: true } }), refused(who));
    }
    await expectStatus("operator", call(H(listTargets), { token: tokens.operator }), 200);
    const enabled = (await (await expectStatus("operator", call(H(putTarget), { method: "PUT", token: tokens.operator, params: { target: "mattermost" }, json: { enabled: true } }), 200)).json()) as { keys: { keyId: string }[] };
    const first = enabled.keys[0].keyId;
    for (const who of everyoneButOperator) {
      await expectStatus(who, call(H(addStoreKey), { token: tokens[who], params: { target: "mattermost" }, json: {} }), refused(who));
      await expectStatus(who, call(H(activateStoreKey), { token: tokens[who], params: { target: "mattermost", keyId: first } }), refused(who));
      await expectStatus(who, call(H(retireStoreKey), { token: tokens[who], params: { target: "mattermost", keyId: first } }), refused(who));
    }
    const next = (await (await expectStatus("operator", call(H(addStoreKey), { token: tokens.operator, params: { target: "mattermost" }, json: {} }), 201)).json()) as { keyId: string };
    await expectStatus("operator", call(H(activateStoreKey), { token: tokens.operator, params: { target: "mattermost", keyId: next.keyId } }), 200);
    await expectStatus("operator", call(H(retireStoreKey), { token: tokens.operator, params: { target: "mattermost", keyId: first } }), 200);
    for (const who of ["anonymous", "member", "operator"] as Who[]) {
      await expectStatus(who, call(H(trustDocument), { token: tokens[who] }), 200);
      await expectStatus(who, call(H(trustKeyFile), { token: tokens[who], params: { target: "mattermost", keyId: next.keyId } }), 200);
      await expectStatus(who, call(H(grafanaKeys), { token: tokens[who] }), 200);
    }
  });

  it("PUT /api/v1/orgs/{slug}/targets/grafana: the org's admins (and operators)", async () => {
    const body = { rootUrls: ["https://grafana.a.test/"] };
    const matrix: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 404], ["admin", 200], ["operator", 200]];
    for (const [who, status] of matrix) await expectStatus(who, call(H(putOrgGrafana), { method: "PUT", token: tokens[who], params: { slug: "org-a" }, json: body }), status);
  });

  it("GET /api/v1/orgs/{slug}/members and /invitations: the org's admins, and operators to look", async () => {
    const matrix: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 404], ["admin", 200], ["operator", 200]];
    for (const [who, status] of matrix) {
      await expectStatus(who, call(H(listMembers), { token: tokens[who], params: { slug: "org-a" } }), status);
      await expectStatus(who, call(H(listInvitations), { token: tokens[who], params: { slug: "org-a" } }), status);
    }
  });

  it("PATCH and DELETE /api/v1/orgs/{slug}/members/{userId}: the org's admins only", async () => {
    const matrix: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 404], ["operator", 403], ["admin", 200]];
    for (const [who, status] of matrix) await expectStatus(who, call(H(patchMember), { token: tokens[who], params: { slug: "org-a", userId: memberUserId }, json: { role: "member" } }), status);
    for (const [who, status] of matrix) await expectStatus(who, call(H(removeMember), { token: tokens[who], params: { slug: "org-a", userId: extraUserId } }), status);
  });

  it("POST /api/v1/orgs/{slug}/invitations and DELETE …/invitations/{id}: the org's admins only", async () => {
    const matrix: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 404], ["operator", 403], ["admin", 201]];
    let id = "";
    for (const [who, status] of matrix) {
      const res = await expectStatus(who, call(H(invite), { token: tokens[who], params: { slug: "org-a" }, json: { email: "withdrawn@org-a.test", role: "member" } }), status);
      if (status === 201) id = ((await res.json()) as { id: string }).id;
    }
    const cancel: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 404], ["operator", 403], ["admin", 200]];
    for (const [who, status] of cancel) await expectStatus(who, call(H(cancelInvitation), { token: tokens[who], params: { slug: "org-a", id } }), status);
  });

  it("GET /api/v1/invitations/{token} and POST …/accept: whoever holds the link; a signed-in user only for their own address", async () => {
    await expectStatus("admin", call(H(invite), { token: tokens.admin, params: { slug: "org-a" }, json: { email: "newcomer@org-a.test", role: "member" } }), 201);
    await mailDeliverySettled();
    await deliverDueMail();
    const [mail] = await outboxMessages("newcomer@org-a.test", "invitation");
    const token = /\/invite\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1];
    for (const who of Object.keys(tokens) as Who[]) {
      await expectStatus(who, call(H(describeInvitation), { token: tokens[who], params: { token } }), 200);
      await expectStatus(who, call(H(describeInvitation), { token: tokens[who], params: { token: "A".repeat(43) } }), 404);
    }
    const body = { name: "Newcomer", password: "newcomer-password-1" };
    const matrix: [Who, number][] = [["member", 403], ["otherAdmin", 403], ["operator", 403], ["admin", 403], ["anonymous", 200]];
    for (const [who, status] of matrix) await expectStatus(who, call(H(acceptInvitation), { token: tokens[who], params: { token }, json: body }), status);
  });

  it("GET /api/v1/outbox: operators only", async () => {
    const matrix: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 403], ["admin", 403], ["operator", 200]];
    for (const [who, status] of matrix) await expectStatus(who, call(H(readOutbox), { token: tokens[who], url: "http://localhost:3999/api/v1/outbox" }), status);
  });

  it("POST /api/v1/contact-verifications/{token} is the link's holder's; resending one is the org admins' (and operators')", async () => {
    for (const who of Object.keys(tokens) as Who[]) await expectStatus(who, call(H(verifyContact), { token: tokens[who], params: { token: "B".repeat(43) } }), 404);
    const matrix: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 404], ["admin", 409], ["operator", 409]];
    for (const [who, status] of matrix) await expectStatus(who, call(H(resendVerification), { token: tokens[who], params: { slug: "org-a" } }), status);
  });

  // Issue 14: operators, disabled accounts, password resets, multi-person approvals.
  it("GET /api/v1/operators and GET/POST /api/v1/operators/invitations: operators only; a disabled account 401", async () => {
    const reads: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 403], ["admin", 403], ["operator", 200]];
    for (const [who, status] of reads) {
      await expectStatus(who, call(H(listOperators), { token: tokens[who] }), status);
      await expectStatus(who, call(H(listOperatorInvitations), { token: tokens[who] }), status);
    }
    const writes: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 403], ["admin", 403], ["operator", 201]];
    for (const [who, status] of writes) await expectStatus(who, call(H(inviteOperator), { token: tokens[who], json: { email: "next-operator@ops.test" } }), status);
    expect((await call(H(listOperators), { token: disabledToken })).status).toBe(401);
    expect((await call(H(listOperatorInvitations), { token: disabledToken })).status).toBe(401);
    expect((await call(H(inviteOperator), { token: disabledToken, json: { email: "other@ops.test" } })).status).toBe(401);
  });

  it("POST /api/v1/users/{id}/disable: operators only; a disabled account 401", async () => {
    const matrix: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 403], ["admin", 403]];
    for (const [who, status] of matrix) await expectStatus(who, call(H(disableUser), { token: tokens[who], params: { id: extraUserId }, json: { reason: "matrix" } }), status);
    expect((await call(H(disableUser), { token: disabledToken, params: { id: extraUserId }, json: { reason: "matrix" } })).status).toBe(401);
    // Already disabled: the operator meets the workflow's own refusal.
    await expectStatus("operator", call(H(disableUser), { token: tokens.operator, params: { id: disabledUserId }, json: { reason: "matrix" } }), 409);
    expect(await (await db()).user.findUniqueOrThrow({ where: { id: extraUserId }, select: { banned: true } })).toMatchObject({ banned: false });
  });

  it("POST /api/v1/password-resets and …/{token}: anyone (no SMTP here: 409, the outbox is operators'); a disabled account's token 401", async () => {
    for (const who of Object.keys(tokens) as Who[]) {
      await expectStatus(who, call(H(requestPasswordReset), { token: tokens[who], json: { email: "member@org-a.test" } }), 409);
      await expectStatus(who, call(H(resetPassword), { token: tokens[who], params: { token: "A".repeat(24) }, json: { password: "matrix-password-1" } }), 404);
    }
    expect((await call(H(requestPasswordReset), { token: disabledToken, json: { email: "member@org-a.test" } })).status).toBe(401);
    expect((await call(H(resetPassword), { token: disabledToken, params: { token: "A".repeat(24) }, json: { password: "matrix-password-1" } })).status).toBe(401);
  });

  it("a disabled account is 401 on the routes it could use before (approve, requests, policy)", async () => {
    expect((await call(H(approve), { token: disabledToken, params: { id: pendingPluginRequest } })).status).toBe(401);
    expect((await call(H(listRequests), { token: disabledToken })).status).toBe(401);
    expect((await call(H(patchPolicy), { token: disabledToken, method: "PATCH", json: { orgCaApprovals: 2 } })).status).toBe(401);
    expect((await call(H(listOrgs), { token: disabledToken })).status).toBe(401);
  });

  it("POST /api/v1/users/{id}/password-reset: operators only (a member's reset lands in the outbox here); a disabled account 401", async () => {
    const matrix: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 403], ["admin", 403], ["operator", 202]];
    for (const [who, status] of matrix) await expectStatus(who, call(H(sendPasswordReset), { token: tokens[who], params: { id: memberUserId } }), status);
    expect((await call(H(sendPasswordReset), { token: disabledToken, params: { id: memberUserId } })).status).toBe(401);
  });

  it("GET /api/v1/settings/policy: anyone signed in; PUT and PATCH: operators only; a disabled account 401", async () => {
    const reads: [Who, number][] = [["anonymous", 401], ["member", 200], ["otherAdmin", 200], ["admin", 200], ["operator", 200]];
    for (const [who, status] of reads) await expectStatus(who, call(H(getPolicy), { token: tokens[who] }), status);
    const put = { pluginApprovalRequiresOperator: false, orgCaValidityDays: 365, pluginCertValidityDays: 365 };
    const writes: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 403], ["admin", 403], ["operator", 200]];
    for (const [who, status] of writes) {
      await expectStatus(who, call(H(patchPolicy), { token: tokens[who], method: "PATCH", json: { orgCaRevocationApprovals: 1 } }), status);
      await expectStatus(who, call(H(putPolicy), { token: tokens[who], method: "PUT", json: put }), status);
    }
    expect((await call(H(getPolicy), { token: disabledToken })).status).toBe(401);
    expect((await call(H(putPolicy), { token: disabledToken, method: "PUT", json: put })).status).toBe(401);
  });

  it("GET /api/v1/pending-revocations and DELETE …/{id}: operators only; a disabled account 401", async () => {
    const client = await db();
    const ca = await client.certificate.findFirstOrThrow({ where: { kind: "org_ca", org: { slug: "org-b" } } });
    const operator = await client.user.findFirstOrThrow({ where: { email: "ops@example.com" } });
    const pending = await client.pendingRevocation.create({ data: { certificateId: ca.id, reason: "superseded", requestedById: operator.id, requestedByEmail: operator.email } });
    const reads: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 403], ["admin", 403], ["operator", 200]];
    for (const [who, status] of reads) await expectStatus(who, call(H(listPendingRevocations), { token: tokens[who] }), status);
    const writes: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 403], ["admin", 403], ["operator", 200]];
    for (const [who, status] of writes) await expectStatus(who, call(H(withdrawRevocation), { token: tokens[who], method: "DELETE", params: { id: pending.id } }), status);
    expect((await call(H(listPendingRevocations), { token: disabledToken })).status).toBe(401);
    expect((await call(H(withdrawRevocation), { token: disabledToken, method: "DELETE", params: { id: pending.id } })).status).toBe(401);
    expect((await client.pendingRevocation.findUniqueOrThrow({ where: { id: pending.id } })).status).toBe("withdrawn");
  });

  it("GET /api/v1/account/security: anyone signed in, about themselves; DELETE /api/v1/account/passkeys/{id}: the passkey's owner, from a session", async () => {
    const reads: [Who, number][] = [["anonymous", 401], ["member", 200], ["otherAdmin", 200], ["admin", 200], ["operator", 200]];
    for (const [who, status] of reads) await expectStatus(who, call(H(accountSecurity), { token: tokens[who] }), status);
    const client = await db();
    const owner = await client.user.findFirstOrThrow({ where: { role: "operator" } });
    const id = crypto.randomUUID();
    await client.passkey.create({ data: { id, userId: owner.id, publicKey: "x", credentialID: `cred-${id}`, counter: 0, deviceType: "singleDevice", backedUp: false } });
    // Another person's passkey is not theirs to see (404); the owner's token is refused (403): removal is a session's.
    const deletes: [Who, number][] = [["anonymous", 401], ["member", 404], ["otherAdmin", 404], ["admin", 404], ["operator", 403]];
    for (const [who, status] of deletes) await expectStatus(who, call(H(removePasskey), { token: tokens[who], params: { id } }), status);
    expect(await client.passkey.count({ where: { id } })).toBe(1);
  });

  it("GET /api/v1/health and /api/v1/health/ready: anyone (a load balancer sends no credential)", async () => {
    for (const who of ["anonymous", "member", "operator"] as Who[]) {
      await expectStatus(who, call(H(liveness), { token: tokens[who] }), 200);
      await expectStatus(who, call(H(readiness), { token: tokens[who] }), 200);
    }
  });
  // Lifecycle routes (issue 13): withdraw, renew, re-apply, suspend, organizations' webhooks, plugin pages.
  it("POST /api/v1/requests/{id}/withdraw: the requester (or an org admin); operators reject instead", async () => {
    const id = ((await (await call(H(requestPlugin), { token: tokens.member, params: { slug: "org-a" }, json: { pluginId: "com.a.withdrawn" } })).json()) as { request: { id: string } }).request.id;
    const matrix: [Who, number][] = [["anonymous", 401], ["otherAdmin", 404], ["operator", 403], ["member", 200], ["admin", 409]];
    for (const [who, status] of matrix) await expectStatus(who, call(H(withdrawRequest), { token: tokens[who], params: { id } }), status);
  });

  it("POST /api/v1/certificates/{serial}/renew: members ask (202 pending), whoever approves such requests gets it issued", async () => {
    const id = ((await (await call(H(requestPlugin), { token: tokens.member, params: { slug: "org-a" }, json: { pluginId: "com.a.renewed" } })).json()) as { request: { id: string } }).request.id;
    const serial = (await approveAs(tokens.admin!, id)).certificate.serial;
    const matrix: [Who, number][] = [["anonymous", 401], ["otherAdmin", 404], ["member", 202], ["admin", 409], ["operator", 409]];
    for (const [who, status] of matrix) await expectStatus(who, call(H(renewCertificate), { token: tokens[who], params: { serial }, json: {} }), status);
  });

  it("POST /api/v1/orgs/{slug}/reapply: the organization's admins, once rejected", async () => {
    const matrix: [Who, number][] = [["anonymous", 401], ["otherAdmin", 404], ["member", 403], ["operator", 403], ["admin", 409]];
    for (const [who, status] of matrix) await expectStatus(who, call(H(reapplyOrg), { token: tokens[who], params: { slug: "org-a" }, json: {} }), status);
  });

  it("GET /api/v1/orgs/{slug}/suspension-impact and POST …/suspend: operators only (a stale impact is 409)", async () => {
    const reads: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 403], ["admin", 403], ["operator", 200]];
    for (const [who, status] of reads) await expectStatus(who, call(H(suspensionImpact), { token: tokens[who], params: { slug: "org-a" } }), status);
    const impact = { caCertificates: 0, pluginCertificates: 0, pluginCertificatesBelowExternalCa: 0, artifacts: 0, tokens: 0, pendingRequests: 0 };
    const writes: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 403], ["admin", 403], ["operator", 409]];
    for (const [who, status] of writes) await expectStatus(who, call(H(suspendOrg), { token: tokens[who], params: { slug: "org-a" }, json: { reason: "matrix test", impact } }), status);
  });

  it("/api/v1/orgs/{slug}/webhooks: the organization's admins manage them; operators look", async () => {
    const body = { url: "https://hooks.example.com/matrix" };
    const creates: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 404], ["operator", 403], ["admin", 201]];
    let id = "";
    for (const [who, status] of creates) {
      const r = await expectStatus(who, call(H(createOrgWebhook), { token: tokens[who], params: { slug: "org-a" }, json: body }), status);
      if (status === 201) id = ((await r.json()) as { webhook: { id: string } }).webhook.id;
    }
    const reads: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 404], ["operator", 200], ["admin", 200]];
    for (const [who, status] of reads) {
      await expectStatus(who, call(H(listOrgWebhooks), { token: tokens[who], params: { slug: "org-a" } }), status);
      await expectStatus(who, call(H(orgWebhookDeliveries), { token: tokens[who], params: { slug: "org-a", id } }), status);
    }
    // Another organization's webhook is not found through this one's path.
    await expectStatus("otherAdmin", call(H(deleteOrgWebhook), { token: tokens.otherAdmin, params: { slug: "org-b", id } }), 404);
    const deletes: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 404], ["operator", 403], ["admin", 204]];
    for (const [who, status] of deletes) {
      const r = await call(H(deleteOrgWebhook), { token: tokens[who], params: { slug: "org-a", id } });
      expect(r.status, who).toBe(status);
    }
  });

  it("GET /api/v1/orgs/{slug}/plugins and …/plugins/{pluginId}: members and operators", async () => {
    const matrix: [Who, number][] = [["anonymous", 401], ["otherAdmin", 404], ["member", 200], ["admin", 200], ["operator", 200]];
    for (const [who, status] of matrix) {
      await expectStatus(who, call(H(listPlugins), { token: tokens[who], params: { slug: "org-a" } }), status);
      await expectStatus(who, call(H(getPlugin), { token: tokens[who], params: { slug: "org-a", pluginId: "com.a.first" } }), status);
    }
    await expectStatus("admin", call(H(getPlugin), { token: tokens.admin, params: { slug: "org-a", pluginId: "com.a.nothing" } }), 404);
  });

  it("POST /api/v1/requests/decisions: each request authorized as its own approve would be; GET /api/v1/audit/export: operators only", async () => {
    const created = await call(H(requestPlugin), { token: tokens.member, params: { slug: "org-a" }, json: { pluginId: "com.a.bulk" } });
    const id = ((await created.json()) as { request: { id: string } }).request.id;
    await expectStatus("anonymous", call(H(decideMany), { json: { decision: "approve", ids: [id] } }), 401);
    const per = async (who: Who) => ((await (await expectStatus(who, call(H(decideMany), { token: tokens[who], json: { decision: "approve", ids: [id] } }), 200)).json()) as { results: { ok: boolean; problem?: { status: number } }[] }).results[0];
    expect(await per("otherAdmin")).toMatchObject({ ok: false, problem: { status: 404 } });
    expect(await per("member")).toMatchObject({ ok: false, problem: { status: 403 } });
    expect(await per("admin")).toMatchObject({ ok: true });
    const exports: [Who, number][] = [["anonymous", 401], ["member", 403], ["otherAdmin", 403], ["admin", 403], ["operator", 200]];
    for (const [who, status] of exports) await expectStatus(who, call(H(exportAudit), { token: tokens[who] }), status);
  });
});
