// Second factors: TOTP enrolment → password sign-in then needs the code → a recovery code works once;
// and the store policy `requireSecondFactor` refusing decisions, revocations and key use without one.
import crypto from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as authPost } from "@/app/api/auth/[...all]/route";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { POST as reject } from "@/app/api/v1/requests/[id]/reject/route";
import { POST as createToken } from "@/app/api/v1/tokens/route";
import { PATCH as patchPolicy, PUT as putPolicy } from "@/app/api/v1/settings/policy/route";
import { GET as security } from "@/app/api/v1/account/security/route";
import { DELETE as deletePasskey } from "@/app/api/v1/account/passkeys/[id]/route";
import { POST as revoke } from "@/app/api/v1/certificates/[serial]/revoke/route";
import { POST as uploadArchive } from "@/app/api/v1/orgs/[slug]/plugins/[pluginId]/artifacts/route";
import { db } from "@/lib/db";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { call, followContactLink, resetDatabase } from "./helpers";
import { secretFromUri, totp } from "./totp";

const H = (h: unknown) => h as never;
const BASE = "http://localhost:3999";
const PASSWORD = "second-factor-pass-1";

async function authCall(path: string, json: unknown, cookie?: string): Promise<Response> {
  const headers: Record<string, string> = { origin: BASE, "content-type": "application/json" };
  if (cookie) headers.cookie = cookie;
  return authPost(new Request(`${BASE}/api/auth${path}`, { method: "POST", headers, body: JSON.stringify(json) }));
}

/** The cookies a browser keeps after `res`, on top of `jar` (expired ones dropped). */
function keep(res: Response, jar = ""): string {
  const map = new Map(jar.split("; ").filter(Boolean).map((c) => [c.split("=")[0], c] as const));
  for (const set of res.headers.getSetCookie()) {
    const pair = set.split(";")[0];
    const name = pair.split("=")[0];
    if (/max-age=0/i.test(set) || pair.endsWith("=")) map.delete(name);
    else map.set(name, pair);
  }
  return [...map.values()].join("; ");
}

const hasSession = (jar: string) => /session_token=/.test(jar);

/** A cookie-authenticated /api/v1 call, with the Origin the CSRF check wants. */
function asCookie(handler: unknown, cookie: string, init: { params?: Record<string, string>; json?: unknown; method?: string } = {}) {
  return call(H(handler), { ...init, headers: { cookie, origin: BASE } });
}

async function register(slug: string): Promise<string> {
  const res = await call(H(registerOrg), { json: { name: `Org ${slug}`, slug, pluginIdPrefix: `com.${slug.replace(/-/g, "")}.`, admin: { email: `admin@${slug}.test`, password: PASSWORD } } });
  expect(res.status, await res.clone().text()).toBe(201);
  await followContactLink(`admin@${slug}.test`);
  return ((await res.json()) as { request: { id: string } }).request.id;
}

async function expectSecondFactorRequired(res: Response): Promise<void> {
  const body = (await res.json()) as { status: number; detail: string; secondFactorRequired?: boolean; enrollUrl?: string };
  expect(res.status, JSON.stringify(body)).toBe(403);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(body.detail).toMatch(/^Second factor required/);
  expect(body.secondFactorRequired).toBe(true);
  expect(body.enrollUrl).toBe("/settings/security");
}

describe("second factors and the policy that requires them", () => {
  let operatorToken = "";
  let requests: string[] = [];
  let secret: Buffer = Buffer.alloc(0);
  let recovery: string[] = [];

  beforeAll(async () => {
    await resetDatabase();
    operatorToken = (await initializeSignet({ adminEmail: "ops@example.com", adminPassword: PASSWORD })).operatorToken;
    requests = [await register("org-a"), await register("org-b"), await register("org-c")];
  });

  it("with requireSecondFactor=operators, a password-only operator session and a not-enrolled operator's token cannot approve or reject; the request stays pending", async () => {
    const put = await call(H(putPolicy), { method: "PUT", token: operatorToken, json: { pluginApprovalRequiresOperator: false, orgCaValidityDays: 365, pluginCertValidityDays: 365, requireSecondFactor: "operators" } });
    expect(put.status, await put.clone().text()).toBe(200);
    expect(((await put.json()) as { requireSecondFactor: string }).requireSecondFactor).toBe("operators");
    // A PUT written before the field existed keeps it.
    const oldPut = await call(H(putPolicy), { method: "PUT", token: operatorToken, json: { pluginApprovalRequiresOperator: false, orgCaValidityDays: 365, pluginCertValidityDays: 365 } });
    expect(((await oldPut.json()) as { requireSecondFactor: string }).requireSecondFactor).toBe("operators");
    const bad = await call(H(patchPolicy), { method: "PATCH", token: operatorToken, json: { requireSecondFactor: "everyone" } });
    expect(bad.status).toBe(400);

    const signIn = await authCall("/sign-in/email", { email: "ops@example.com", password: PASSWORD });
    expect(signIn.status).toBe(200);
    const cookie = keep(signIn);
    expect(hasSession(cookie)).toBe(true);
    await expectSecondFactorRequired(await asCookie(approve, cookie, { params: { id: requests[0] } }));
    await expectSecondFactorRequired(await asCookie(reject, cookie, { params: { id: requests[0] }, json: { reason: "Refused during the second-factor test" } }));
    await expectSecondFactorRequired(await call(H(approve), { token: operatorToken, params: { id: requests[0] } }));
    await expectSecondFactorRequired(await asCookie(createToken, cookie, { json: { name: "ci" } }));
    const client = await db();
    expect((await client.certificateRequest.findUniqueOrThrow({ where: { id: requests[0] } })).status).toBe("pending");
    const denied = await client.auditEvent.count({ where: { action: "http.forbidden" } });
    expect(denied).toBeGreaterThan(0);
    const state = (await (await asCookie(security, cookie)).json()) as { totpEnabled: boolean; requiredByPolicy: boolean; sessionHasSecondFactor: boolean };
    expect(state).toMatchObject({ totpEnabled: false, requiredByPolicy: true, sessionHasSecondFactor: false });
  });

  it("enrolls TOTP (password, then a first code computed with RFC 6238); the new session counts as second-factored and approves", async () => {
    let cookie = keep(await authCall("/sign-in/email", { email: "ops@example.com", password: PASSWORD }));
    const wrongPassword = await authCall("/two-factor/enable", { password: "not-the-password-1" }, cookie);
    expect(wrongPassword.status).toBe(400);
    const enable = await authCall("/two-factor/enable", { password: PASSWORD }, cookie);
    expect(enable.status, await enable.clone().text()).toBe(200);
    const { totpURI, backupCodes } = (await enable.json()) as { totpURI: string; backupCodes: string[] };
    expect(totpURI).toMatch(/^otpauth:\/\/totp\/Signet:ops%40example\.com\?/);
    expect(backupCodes.length).toBeGreaterThanOrEqual(8);
    secret = secretFromUri(totpURI);
    recovery = backupCodes;
    // Not enabled until confirmed: a wrong code leaves it off.
    expect((await authCall("/two-factor/verify-totp", { code: "000000" === totp(secret) ? "111111" : "000000" }, cookie)).status).toBe(401);
    expect((await (await db()).user.findUniqueOrThrow({ where: { email: "ops@example.com" } })).twoFactorEnabled).toBe(false);
    const confirm = await authCall("/two-factor/verify-totp", { code: totp(secret) }, cookie);
    expect(confirm.status, await confirm.clone().text()).toBe(200);
    cookie = keep(confirm, cookie);
    const state = (await (await asCookie(security, cookie)).json()) as { totpEnabled: boolean; sessionHasSecondFactor: boolean };
    expect(state).toMatchObject({ totpEnabled: true, sessionHasSecondFactor: true });
    const ok = await asCookie(approve, cookie, { params: { id: requests[0] } });
    expect(ok.status, await ok.clone().text()).toBe(200);
    const client = await db();
    expect(await client.auditEvent.count({ where: { action: "auth.totp_enabled" } })).toBe(1);
  });

  it("password sign-in then needs the code: no session until a correct TOTP; the token of an enrolled operator works", async () => {
    const first = await authCall("/sign-in/email", { email: "ops@example.com", password: PASSWORD });
    expect(first.status).toBe(200);
    expect(((await first.json()) as { twoFactorRedirect?: boolean }).twoFactorRedirect).toBe(true);
    const pending = keep(first);
    expect(hasSession(pending)).toBe(false);
    expect((await asCookie(approve, pending, { params: { id: requests[1] } })).status).toBe(401);
    const wrong = await authCall("/two-factor/verify-totp", { code: String((Number(totp(secret)) + 1) % 1_000_000).padStart(6, "0") }, pending);
    expect(wrong.status).toBe(401);
    const right = await authCall("/two-factor/verify-totp", { code: totp(secret) }, pending);
    expect(right.status, await right.clone().text()).toBe(200);
    const cookie = keep(right, pending);
    expect(hasSession(cookie)).toBe(true);
    const created = await asCookie(createToken, cookie, { json: { name: "ci" } });
    expect(created.status, await created.clone().text()).toBe(201);
    const ok = await call(H(approve), { token: operatorToken, params: { id: requests[1] } });
    expect(ok.status, await ok.clone().text()).toBe(200);
  });

  it("a recovery code signs in once; the same code a second time is refused", async () => {
    const code = recovery[0];
    const first = keep(await authCall("/sign-in/email", { email: "ops@example.com", password: PASSWORD }));
    const used = await authCall("/two-factor/verify-backup-code", { code }, first);
    expect(used.status, await used.clone().text()).toBe(200);
    const cookie = keep(used, first);
    expect(hasSession(cookie)).toBe(true);
    const state = (await (await asCookie(security, cookie)).json()) as { sessionHasSecondFactor: boolean };
    expect(state.sessionHasSecondFactor).toBe(true);
    const again = keep(await authCall("/sign-in/email", { email: "ops@example.com", password: PASSWORD }));
    const reused = await authCall("/two-factor/verify-backup-code", { code }, again);
    expect(reused.status).toBe(401);
    expect(hasSession(keep(reused, again))).toBe(false);
    const other = await authCall("/two-factor/verify-backup-code", { code: recovery[1] }, again);
    expect(other.status).toBe(200);
  });

  it("policy 'admins' applies to org admins (password session refused for tokens and archive signing, a plain member unaffected), and revocation is refused too; disabling TOTP needs the password and drops the session's factor", async () => {
    const client = await db();
    const org = await client.organization.findUniqueOrThrow({ where: { slug: "org-a" } });
    const memberId = crypto.randomUUID();
    await client.user.create({ data: { id: memberId, email: "member@org-a.test", name: "Member" } });
    await client.account.create({ data: { id: crypto.randomUUID(), accountId: memberId, providerId: "credential", userId: memberId, password: await hashPassword(PASSWORD) } });
    await client.member.create({ data: { id: crypto.randomUUID(), organizationId: org.id, userId: memberId, role: "member" } });
    expect((await call(H(patchPolicy), { method: "PATCH", token: operatorToken, json: { requireSecondFactor: "admins" } })).status).toBe(200);
    const admin = keep(await authCall("/sign-in/email", { email: "admin@org-a.test", password: PASSWORD }));
    await expectSecondFactorRequired(await asCookie(createToken, admin, { json: { name: "ci" } }));
    // Key use by an org admin: archive signing is refused before the upload is read.
    const upload = await call(H(uploadArchive), { params: { slug: "org-a", pluginId: "com.orga.plugin" }, headers: { cookie: admin, origin: BASE, "content-type": "application/zip" }, body: new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]) });
    await expectSecondFactorRequired(upload);
    const member = keep(await authCall("/sign-in/email", { email: "member@org-a.test", password: PASSWORD }));
    expect((await asCookie(createToken, member, { json: { name: "ci" } })).status).toBe(201);

    const pending = keep(await authCall("/sign-in/email", { email: "ops@example.com", password: PASSWORD }));
    let cookie = keep(await authCall("/two-factor/verify-totp", { code: totp(secret) }, pending), pending);
    expect((await authCall("/two-factor/disable", { password: "not-the-password-1" }, cookie)).status).toBe(400);
    const off = await authCall("/two-factor/disable", { password: PASSWORD }, cookie);
    expect(off.status, await off.clone().text()).toBe(200);
    cookie = keep(off, cookie);
    const state = (await (await asCookie(security, cookie)).json()) as { totpEnabled: boolean; sessionHasSecondFactor: boolean };
    expect(state).toMatchObject({ totpEnabled: false, sessionHasSecondFactor: false });
    await expectSecondFactorRequired(await asCookie(approve, cookie, { params: { id: requests[2] } }));
    await expectSecondFactorRequired(await call(H(approve), { token: operatorToken, params: { id: requests[2] } }));
    // Revocation: org-a's CA certificate stays issued.
    const caCert = await client.certificate.findFirstOrThrow({ where: { kind: "org_ca", orgId: org.id } });
    await expectSecondFactorRequired(await call(H(revoke), { token: operatorToken, params: { serial: caCert.serialHex }, json: { reason: "superseded" } }));
    expect((await client.certificate.findUniqueOrThrow({ where: { id: caCert.id } })).status).toBe("issued");
    expect(await client.auditEvent.count({ where: { action: "auth.totp_disabled" } })).toBe(1);
  });

  it("a person removes only their own passkeys (another's id is 404 and stays)", async () => {
    const client = await db();
    const ops = await client.user.findUniqueOrThrow({ where: { email: "ops@example.com" } });
    const id = crypto.randomUUID();
    await client.passkey.create({ data: { id, userId: ops.id, publicKey: "x", credentialID: "cred-1", counter: 0, deviceType: "singleDevice", backedUp: false } });
    const member = keep(await authCall("/sign-in/email", { email: "member@org-a.test", password: PASSWORD }));
    expect((await asCookie(deletePasskey, member, { method: "DELETE", params: { id } })).status).toBe(404);
    expect(await client.passkey.count({ where: { id } })).toBe(1);
    expect((await call(H(deletePasskey), { method: "DELETE", params: { id } })).status).toBe(401);
    const ownerCookie = keep(await authCall("/sign-in/email", { email: "ops@example.com", password: PASSWORD }));
    expect((await asCookie(deletePasskey, ownerCookie, { method: "DELETE", params: { id } })).status).toBe(204);
    expect(await client.passkey.count({ where: { id } })).toBe(0);
  });
});
