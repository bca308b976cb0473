// What the console reads to offer only what will work (issue 13, defects 3, 6, 7): a request says
// whether its caller may decide it, by the rule the approve route enforces; an approved request names
// its certificate; a registration conflict names its field.
import { beforeAll, describe, expect, it } from "vitest";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { GET as listRequests } from "@/app/api/v1/requests/route";
import { GET as getRequest } from "@/app/api/v1/requests/[id]/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { POST as requestPlugin } from "@/app/api/v1/orgs/[slug]/plugin-cert-requests/route";
import { PATCH as patchPolicy } from "@/app/api/v1/settings/policy/route";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { call, followContactLink, resetDatabase } from "./helpers";

const H = (h: unknown) => h as never;
let operator = "";
let admin = "";

type Detail = { id: string; status: string; certificateSerial?: string; decision?: { allowed: boolean; reason?: string } };

async function detail(token: string, id: string): Promise<Detail> {
  const res = await call(H(getRequest), { token, params: { id } });
  expect(res.status).toBe(200);
  return (await res.json()) as Detail;
}

async function requestPluginCert(pluginId: string): Promise<string> {
  const res = await call(H(requestPlugin), { token: admin, params: { slug: "view-a" }, json: { pluginId, keyAlgorithm: "rsa-2048" } });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { request: { id: string } }).request.id;
}

describe("request decision view", () => {
  beforeAll(async () => {
    await resetDatabase();
    operator = (await initializeSignet({ adminEmail: "ops@example.com", adminPassword: "pw-123456789" })).operatorToken;
    const res = await call(H(registerOrg), { json: { name: "View A", slug: "view-a", pluginIdPrefix: "com.viewa.", admin: { email: "admin@view-a.test", password: "org-password-1" }, token: true } });
    const body = (await res.json()) as { token: string; request: { id: string } };
    admin = body.token;
    await followContactLink("admin@view-a.test");
    expect((await call(H(approve), { token: operator, params: { id: body.request.id } })).status).toBe(200);
  });

  it("tells an org admin, under operator-approval policy, that they may not decide a plugin request — with the reason approve gives for its 403", async () => {
    const id = await requestPluginCert("com.viewa.one");
    expect((await detail(admin, id)).decision).toEqual({ allowed: true });
    expect((await detail(operator, id)).decision).toEqual({ allowed: true });

    expect((await call(H(patchPolicy), { token: operator, method: "PATCH", json: { pluginApprovalRequiresOperator: true } })).status).toBe(200);
    const refused = (await detail(admin, id)).decision;
    expect(refused).toEqual({ allowed: false, reason: "Store policy requires a store operator to approve plugin certificates" });
    const denied = await call(H(approve), { token: admin, params: { id } });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { detail: string }).detail).toBe(refused!.reason);
    expect((await detail(operator, id)).decision).toEqual({ allowed: true });
    expect((await call(H(patchPolicy), { token: operator, method: "PATCH", json: { pluginApprovalRequiresOperator: false } })).status).toBe(200);
  });

  it("names the certificate an approved request became, in the detail and the list, and no decision once decided", async () => {
    const id = await requestPluginCert("com.viewa.two");
    const approved = await call(H(approve), { token: admin, params: { id } });
    const serial = ((await approved.json()) as { certificate: { serial: string } }).certificate.serial;
    const view = await detail(admin, id);
    expect(view.status).toBe("approved");
    expect(view.certificateSerial).toBe(serial);
    expect(view.decision).toBeUndefined();
    const list = (await (await call(H(listRequests), { token: admin, url: "http://localhost:3999/api/v1/requests?status=approved" })).json()) as Detail[];
    expect(list.find((r) => r.id === id)?.certificateSerial).toBe(serial);
    expect(list.every((r) => r.status === "approved" && typeof r.certificateSerial === "string")).toBe(true);
  });

  it("puts a registration conflict on its field, as a 400's issues are", async () => {
    const res = await call(H(registerOrg), { json: { name: "View B", slug: "view-a", pluginIdPrefix: "com.viewb.", admin: { email: "admin@view-b.test", password: "org-password-1" }, token: false } });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { errors: unknown }).errors).toEqual([{ path: "slug", message: "The slug 'view-a' is taken" }]);
    const overlap = await call(H(registerOrg), { json: { name: "View C", slug: "view-c", pluginIdPrefix: "com.viewa.sub.", admin: { email: "admin@view-c.test", password: "org-password-1" }, token: false } });
    expect(overlap.status).toBe(409);
    expect(((await overlap.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["pluginIdPrefix"]);
  });
});
