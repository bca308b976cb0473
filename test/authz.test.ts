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
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { createApiToken } from "@/lib/server/tokens/create-api-token";
import { principalForUser } from "@/lib/server/auth/resolve-principal";
import { call, resetDatabase } from "./helpers";

const H = (h: unknown) => h as never;
type Who = "anonymous" | "member" | "otherAdmin" | "admin" | "operator";
const tokens: Record<Who, string | undefined> = { anonymous: undefined, member: "", otherAdmin: "", admin: "", operator: "" };

async function register(name: string, slug: string, prefix: string): Promise<{ token: string; requestId: string }> {
  const res = await call(H(registerOrg), { json: { name, slug, pluginIdPrefix: prefix, admin: { email: `admin@${slug}.test`, password: "org-password-1" }, token: true } });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { token: string; request: { id: string } };
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
    const userId = crypto.randomUUID();
    await client.user.create({ data: { id: userId, email: "member@org-a.test", name: "Member" } });
    await client.member.create({ data: { id: crypto.randomUUID(), organizationId: org.id, userId, role: "member" } });
    tokens.member = (await createApiToken(await principalForUser(client, userId, "token"), { name: "member" })).token;

    const issued = await call(H(requestPlugin), { token: tokens.member, params: { slug: "org-a" }, json: { pluginId: "com.a.first" } });
    expect(issued.status).toBe(201);
    const firstId = ((await issued.json()) as { request: { id: string } }).request.id;
    pluginSerial = (await approveAs(tokens.admin!, firstId)).certificate.serial;
    pendingPluginRequest = ((await (await call(H(requestPlugin), { token: tokens.member, params: { slug: "org-a" }, json: { pluginId: "com.a.second" } })).json()) as { request: { id: string } }).request.id;
    rejectTarget = ((await (await call(H(requestPlugin), { token: tokens.member, params: { slug: "org-a" }, json: { pluginId: "com.a.third" } })).json()) as { request: { id: string } }).request.id;
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
});
