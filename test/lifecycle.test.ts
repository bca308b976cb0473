// Lifecycle an operator expects (issue 13): renewal (same key, re-key, org CA rollover proven with
// openssl verify / ocsp / crl), withdrawing a request, re-applying after a rejection, suspending an
// organization, and organizations' own webhooks.
import crypto from "node:crypto";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { GET as getOrg } from "@/app/api/v1/orgs/[slug]/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { POST as reject } from "@/app/api/v1/requests/[id]/reject/route";
import { POST as withdraw } from "@/app/api/v1/requests/[id]/withdraw/route";
import { POST as requestPlugin } from "@/app/api/v1/orgs/[slug]/plugin-cert-requests/route";
import { POST as renew } from "@/app/api/v1/certificates/[serial]/renew/route";
import { POST as reapply } from "@/app/api/v1/orgs/[slug]/reapply/route";
import { POST as suspend } from "@/app/api/v1/orgs/[slug]/suspend/route";
import { GET as suspensionImpact } from "@/app/api/v1/orgs/[slug]/suspension-impact/route";
import { GET as listOrgWebhooks, POST as createOrgWebhook } from "@/app/api/v1/orgs/[slug]/webhooks/route";
import { DELETE as deleteOrgWebhook } from "@/app/api/v1/orgs/[slug]/webhooks/[id]/route";
import { GET as listWebhooks, POST as createWebhook } from "@/app/api/v1/webhooks/route";
import { PATCH as patchPolicy } from "@/app/api/v1/settings/policy/route";
import { GET as listTokens } from "@/app/api/v1/tokens/route";
import { toPem } from "@/lib/pki/certificate/pem";
import { pluginEntries, zipTo } from "@/lib/pki/jpl/test-fixtures";
import { POST as uploadArtifact } from "@/app/api/v1/orgs/[slug]/plugins/[pluginId]/artifacts/route";
import { GET as getArtifact } from "@/app/api/v1/artifacts/[id]/route";
import { GET as getPlugin } from "@/app/api/v1/orgs/[slug]/plugins/[pluginId]/route";
import { GET as downloadArtifact } from "@/app/api/v1/artifacts/[id]/download/route";
import { WEBHOOK_EVENTS } from "@/lib/server/webhooks/webhook-events";
import { autoRenewCertificates } from "@/lib/server/certificates/auto-renew";
import { createApiToken } from "@/lib/server/tokens/create-api-token";
import { principalForUser } from "@/lib/server/auth/resolve-principal";
import { call, expectJson, followContactLink } from "./helpers";
import { file, issuePlugin, seedRevocationHierarchy, type Seeded } from "./ocsp-seed";
import { opensslCsr, openssl, runTool, tempDir, writePem } from "./pki-fixtures";

const H = (h: unknown) => h as never;
const TAG = "lc";
const SLUG = `acme-${TAG}`;
const dir = tempDir("signet-lifecycle-");
let seed: Seeded;

type Issued = { certificate: { serial: string; pem: string }; caId?: string; request: { id: string; status: string } };

const spkiOf = (pemFile: string) => openssl(["x509", "-in", pemFile, "-noout", "-pubkey"]);
const verify = (chainFiles: string[], leaf: string) =>
  runTool("openssl", ["verify", "-CAfile", seed.files.root, ...chainFiles.flatMap((f) => ["-untrusted", f]), leaf]);
async function ocspStatus(issuer: string, cert: string): Promise<string> {
  const r = await runTool("openssl", ["ocsp", "-issuer", issuer, "-cert", cert, "-url", `${seed.server.url}/ocsp`, "-CAfile", seed.files.root, "-no_nonce"]);
  expect(r.out).toContain("Response verify OK");
  return /: (good|revoked|unknown)/.exec(r.out)?.[1] ?? r.out;
}
async function crlText(caId: string, caFile: string): Promise<string> {
  const res = await fetch(`${seed.server.url}/crl/${caId}.crl`);
  expect(res.status).toBe(200);
  const der = writePem(dir, `${caId}-${crypto.randomUUID()}.crl`, "");
  fs.writeFileSync(der, Buffer.from(await res.arrayBuffer()));
  return openssl(["crl", "-inform", "DER", "-in", der, "-CAfile", caFile, "-noout", "-text"]);
}

async function memberToken(slug: string, role: "member" | "admin", email: string): Promise<string> {
  const client = await db();
  const org = await client.organization.findUniqueOrThrow({ where: { slug } });
  const id = crypto.randomUUID();
  await client.user.create({ data: { id, email, name: email } });
  await client.member.create({ data: { id: crypto.randomUUID(), organizationId: org.id, userId: id, role } });
  return (await createApiToken(await principalForUser(client, id, "token"), { name: email })).token;
}

beforeAll(async () => {
  seed = await seedRevocationHierarchy(dir, TAG);
});
afterAll(async () => {
  await seed.server.close();
});

describe("renewal", () => {
  it("renews a hosted plugin certificate with the same key by default and a new key on request", async () => {
    const first = await issuePlugin(seed, TAG, `com.acme${TAG}.renewed`);
    const same = await expectJson<Issued>(call(H(renew), { token: seed.orgAdmin, params: { serial: first.serial }, json: {} }), 200);
    expect(same.certificate.serial).not.toBe(first.serial);
    const sameFile = writePem(dir, "renewed-same.pem", same.certificate.pem);
    expect(spkiOf(sameFile)).toBe(spkiOf(first.file));
    expect(openssl(["x509", "-in", sameFile, "-noout", "-subject"])).toBe(openssl(["x509", "-in", first.file, "-noout", "-subject"]));
    expect((await verify([seed.files.org], sameFile)).code).toBe(0);
    // The renewed certificate stays valid: artifacts signed with it keep verifying until it expires.
    expect(await ocspStatus(seed.files.org, first.file)).toBe("good");
    const rekeyed = await expectJson<Issued>(call(H(renew), { token: seed.orgAdmin, params: { serial: same.certificate.serial }, json: { rekey: true } }), 200);
    const rekeyedFile = writePem(dir, "renewed-rekey.pem", rekeyed.certificate.pem);
    expect(spkiOf(rekeyedFile)).not.toBe(spkiOf(first.file));
    expect((await verify([seed.files.org], rekeyedFile)).code).toBe(0);
    const client = await db();
    const audit = await client.auditEvent.findMany({ where: { action: "certificate.issued", subjectId: { in: (await client.certificate.findMany({ where: { serialHex: { in: [same.certificate.serial, rekeyed.certificate.serial] } } })).map((c) => c.id) } } });
    expect(audit.map((a) => (a.details as { renews?: string }).renews).sort()).toEqual([first.serial, same.certificate.serial].sort());
  });

  it("renews a certificate on the requester's key with the same key, or re-keys it from a new CSR", async () => {
    const first = await issuePlugin(seed, TAG, `com.acme${TAG}.external`, true);
    const same = await expectJson<Issued>(call(H(renew), { token: seed.orgAdmin, params: { serial: first.serial }, json: {} }), 200);
    expect(spkiOf(writePem(dir, "ext-same.pem", same.certificate.pem))).toBe(spkiOf(first.file));
    // rekey means a key Signet holds: the requester's own key is re-keyed by a CSR
    await expectJson(call(H(renew), { token: seed.orgAdmin, params: { serial: same.certificate.serial }, json: { rekey: true } }), 400);
    const csrPem = opensslCsr(dir, "ext-new", { key: "rsa:2048", subj: "/CN=ignored/O=Ignored" });
    const rekeyed = await expectJson<Issued>(call(H(renew), { token: seed.orgAdmin, params: { serial: same.certificate.serial }, json: { csrPem } }), 200);
    const rekeyedFile = writePem(dir, "ext-new.pem", rekeyed.certificate.pem);
    expect(spkiOf(rekeyedFile)).toBe(openssl(["req", "-in", `${dir}/ext-new.csr`, "-noout", "-pubkey"]));
    expect(openssl(["x509", "-in", rekeyedFile, "-noout", "-subject"])).toBe(openssl(["x509", "-in", first.file, "-noout", "-subject"]));
  });

  it("under a policy that reserves plugin approvals to operators, an org admin's renewal waits for an operator", async () => {
    const first = await issuePlugin(seed, TAG, `com.acme${TAG}.policy`);
    await expectJson(call(H(patchPolicy), { method: "PATCH", token: seed.operator, json: { pluginApprovalRequiresOperator: true } }), 200);
    try {
      const pending = await expectJson<{ pending: true; request: { id: string; status: string } }>(call(H(renew), { token: seed.orgAdmin, params: { serial: first.serial }, json: {} }), 202);
      expect(pending.request.status).toBe("pending");
      // One pending request per plugin id: a second renewal is refused until this one is decided.
      await expectJson(call(H(renew), { token: seed.orgAdmin, params: { serial: first.serial }, json: {} }), 409);
      const issued = await expectJson<Issued>(call(H(approve), { token: seed.operator, params: { id: pending.request.id } }), 200);
      expect(spkiOf(writePem(dir, "policy-renewed.pem", issued.certificate.pem))).toBe(spkiOf(first.file));
    } finally {
      await expectJson(call(H(patchPolicy), { method: "PATCH", token: seed.operator, json: { pluginApprovalRequiresOperator: false } }), 200);
    }
  });

  it("store policy autoRenewDays: the background job renews hosted plugin keys that many days before expiry, once, on the same key", async () => {
    await expectJson(call(H(patchPolicy), { method: "PATCH", token: seed.operator, json: { pluginCertValidityDays: 10 } }), 200);
    const soon = await issuePlugin(seed, TAG, `com.acme${TAG}.soon`);
    await expectJson(call(H(patchPolicy), { method: "PATCH", token: seed.operator, json: { pluginCertValidityDays: 365 } }), 200);
    expect((await autoRenewCertificates()).renewed).toEqual([]);
    await expectJson(call(H(patchPolicy), { method: "PATCH", token: seed.operator, json: { autoRenewDays: 30 } }), 200);
    try {
      const run = await autoRenewCertificates();
      expect(run.failed).toEqual([]);
      expect(run.renewed.map((r) => r.from)).toEqual([soon.serial]);
      const client = await db();
      const successor = await client.certificate.findFirstOrThrow({ where: { serialHex: run.renewed[0].to } });
      const renewedFile = writePem(dir, "auto-renewed.pem", toPem(successor.der!, "CERTIFICATE"));
      expect(spkiOf(renewedFile)).toBe(spkiOf(soon.file));
      // The policy's validity now, not the 10 days of the renewed one (clamped to the issuing CA's end).
      expect(successor.notAfter.getTime() - successor.notBefore.getTime()).toBeGreaterThan(300 * 86_400_000);
      expect((await verify([seed.files.org], renewedFile)).code).toBe(0);
      const audit = await client.auditEvent.findFirstOrThrow({ where: { action: "certificate.issued", subjectId: successor.id } });
      expect(audit.actorLabel).toBe("system:auto-renew");
      // Once: the successor replaces it, so the next run leaves it alone.
      expect((await autoRenewCertificates()).renewed).toEqual([]);
    } finally {
      await expectJson(call(H(patchPolicy), { method: "PATCH", token: seed.operator, json: { autoRenewDays: 0 } }), 200);
    }
  });

  it("an org CA is renewed on its key by an operator; an org admin's renewal waits for one; chains below it are unchanged", async () => {
    const plugin = await issuePlugin(seed, TAG, `com.acme${TAG}.below`);
    const client = await db();
    const oldCa = await client.certificateAuthority.findUniqueOrThrow({ where: { id: seed.orgCaId }, include: { certificate: true } });
    const asked = await expectJson<{ pending: true; request: { id: string } }>(call(H(renew), { token: seed.orgAdmin, params: { serial: oldCa.certificate!.serialHex }, json: {} }), 202);
    const renewed = await expectJson<Issued>(call(H(approve), { token: seed.operator, params: { id: asked.request.id } }), 200);
    expect(renewed.caId).toBe(seed.orgCaId);
    const newCaFile = writePem(dir, "org-renewed.pem", renewed.certificate.pem);
    expect(spkiOf(newCaFile)).toBe(spkiOf(seed.files.org));
    // The plugin certificate issued under the old CA certificate verifies with the new one alone.
    expect((await verify([newCaFile], plugin.file)).code).toBe(0);
    expect(await ocspStatus(newCaFile, plugin.file)).toBe("good");
  });

  it("an org CA rollover (new key): old plugin certificates stay valid under the old CA, new ones come from the new CA, CRL and OCSP work for both", async () => {
    const client = await db();
    const current = await client.certificateAuthority.findUniqueOrThrow({ where: { id: seed.orgCaId }, include: { certificate: true } });
    const oldCaFile = writePem(dir, "org-before-rollover.pem", toPem(current.certificate!.der!, "CERTIFICATE"));
    const oldPlugin = await issuePlugin(seed, TAG, `com.acme${TAG}.beforeroll`);
    const rolled = await expectJson<Issued>(call(H(renew), { token: seed.operator, params: { serial: current.certificate!.serialHex }, json: { rekey: true } }), 200);
    expect(rolled.caId).not.toBe(seed.orgCaId);
    const newCaFile = writePem(dir, "org-after-rollover.pem", rolled.certificate.pem);
    expect(spkiOf(newCaFile)).not.toBe(spkiOf(oldCaFile));
    expect(openssl(["x509", "-in", newCaFile, "-noout", "-subject"])).toBe(openssl(["x509", "-in", oldCaFile, "-noout", "-subject"]));
    const old = await client.certificateAuthority.findUniqueOrThrow({ where: { id: seed.orgCaId } });
    expect(old.status).toBe("active");
    expect(old.supersededAt).not.toBeNull();

    const newPlugin = await issuePlugin(seed, TAG, `com.acme${TAG}.afterroll`);
    expect(openssl(["x509", "-in", newPlugin.file, "-noout", "-issuer"])).toBe(openssl(["x509", "-in", oldPlugin.file, "-noout", "-issuer"]));
    const issuer = await client.certificate.findFirstOrThrow({ where: { serialHex: newPlugin.serial } });
    expect(issuer.issuerCaId).toBe(rolled.caId);
    // Each chain verifies with its own CA, and with both CAs offered (same name, told apart by key).
    expect((await verify([oldCaFile], oldPlugin.file)).code).toBe(0);
    expect((await verify([newCaFile], newPlugin.file)).code).toBe(0);
    expect((await verify([newCaFile], oldPlugin.file)).code).not.toBe(0);
    expect((await verify([newCaFile, oldCaFile], oldPlugin.file)).code).toBe(0);
    expect((await verify([oldCaFile, newCaFile], newPlugin.file)).code).toBe(0);

    expect(await ocspStatus(oldCaFile, oldPlugin.file)).toBe("good");
    expect(await ocspStatus(newCaFile, newPlugin.file)).toBe("good");
    for (const p of [oldPlugin, newPlugin]) {
      await expectJson(call(H((await import("@/app/api/v1/certificates/[serial]/revoke/route")).POST), { token: seed.orgAdmin, params: { serial: p.serial }, json: { reason: "superseded" } }), 200);
    }
    expect(await ocspStatus(oldCaFile, oldPlugin.file)).toBe("revoked");
    expect(await ocspStatus(newCaFile, newPlugin.file)).toBe("revoked");
    const oldCrl = await crlText(seed.orgCaId, `${oldCaFile}`);
    const newCrl = await crlText(rolled.caId!, `${newCaFile}`);
    expect(oldCrl.toLowerCase()).toContain(oldPlugin.serial.toUpperCase().toLowerCase());
    expect(newCrl.toLowerCase()).toContain(newPlugin.serial.toLowerCase());
    expect(newCrl.toLowerCase()).not.toContain(oldPlugin.serial.toLowerCase());
    // openssl checked each CRL's signature against its own CA (-CAfile): the chain is root → CA.
    const both = writePem(dir, "both-cas.pem", fs.readFileSync(seed.files.root, "utf8") + fs.readFileSync(newCaFile, "utf8"));
    expect(openssl(["verify", "-CAfile", both, "-untrusted", oldCaFile, oldPlugin.file]).trim()).toMatch(/OK$/);
  });
});

describe("requests: withdraw and re-apply", () => {
  it("the requester withdraws a pending request; it then issues nothing, and the plugin id is free again", async () => {
    const member = await memberToken(SLUG, "member", "member@acme-lc.test");
    const other = await memberToken(SLUG, "member", "other@acme-lc.test");
    const pluginId = `com.acme${TAG}.withdrawn`;
    const created = await expectJson<{ request: { id: string } }>(call(H(requestPlugin), { token: member, params: { slug: SLUG }, json: { pluginId } }), 201);
    await expectJson(call(H(withdraw), { token: other, params: { id: created.request.id } }), 403);
    await expectJson(call(H(withdraw), { token: seed.operator, params: { id: created.request.id } }), 403);
    const done = await expectJson<{ request: { status: string } }>(call(H(withdraw), { token: member, params: { id: created.request.id } }), 200);
    expect(done.request.status).toBe("withdrawn");
    await expectJson(call(H(withdraw), { token: member, params: { id: created.request.id } }), 409);
    await expectJson(call(H(approve), { token: seed.orgAdmin, params: { id: created.request.id } }), 409);
    const client = await db();
    expect(await client.certificate.count({ where: { pluginId } })).toBe(0);
    expect(await client.auditEvent.count({ where: { action: "request.withdrawn", subjectId: created.request.id } })).toBe(1);
    await expectJson(call(H(requestPlugin), { token: member, params: { slug: SLUG }, json: { pluginId } }), 201);
  });

  it("a rejected organization re-applies under its frozen name; if another organization took the name meanwhile, it cannot", async () => {
    const from = { "x-forwarded-for": `10.91.${crypto.randomInt(255)}.${crypto.randomInt(255)}` };
    const reg = async (name: string, slug: string, prefix: string) =>
      expectJson<{ token: string; request: { id: string } }>(call(H(registerOrg), { headers: from, json: { name, slug, pluginIdPrefix: prefix, admin: { email: `admin@${slug}.test`, password: "org-password-1" }, token: true } }), 201);
    const first = await reg("Phoenix Plugins", "phoenix", "com.phoenix.");
    await followContactLink("admin@phoenix.test");
    await expectJson(call(H(reapply), { token: first.token, params: { slug: "phoenix" }, json: {} }), 409);
    await expectJson(call(H(reject), { token: seed.operator, params: { id: first.request.id }, json: { reason: "Tell us who you are" } }), 200);
    const again = await expectJson<{ org: { status: string }; request: { id: string; status: string; subject: string } }>(call(H(reapply), { token: first.token, params: { slug: "phoenix" }, json: {} }), 201);
    expect(again.org.status).toBe("pending");
    expect(again.request.subject).toContain("Phoenix Plugins");
    const issued = await expectJson<Issued>(call(H(approve), { token: seed.operator, params: { id: again.request.id } }), 200);
    expect(issued.caId).toBeTruthy();
    expect((await expectJson<{ status: string }>(call(H(getOrg), { token: first.token, params: { slug: "phoenix" } }), 200)).status).toBe("approved");

    const second = await reg("Kestrel Tools", "kestrel", "com.kestrel.");
    await expectJson(call(H(reject), { token: seed.operator, params: { id: second.request.id }, json: { reason: "Not a plugin vendor" } }), 200);
    // The name is free while rejected: someone else registers it (spelled differently), then the first cannot re-apply.
    await reg("KESTREL  tools", "kestrel-2", "com.kestrel2.");
    const refused = await expectJson<{ errors: { path: string }[] }>(call(H(reapply), { token: second.token, params: { slug: "kestrel" }, json: {} }), 409);
    expect(refused.errors[0].path).toBe("name");
    // Only the organization's admins re-apply; others do not see it.
    await expectJson(call(H(reapply), { token: seed.orgAdmin, params: { slug: "kestrel" }, json: {} }), 404);
  });
});

describe("suspending an organization", () => {
  it("shows the impact, refuses a stale confirmation, then revokes everything in one audited action", async () => {
    const slug = "doomed";
    const from = { "x-forwarded-for": `10.92.${crypto.randomInt(255)}.${crypto.randomInt(255)}` };
    const reg = await expectJson<{ token: string; request: { id: string } }>(
      call(H(registerOrg), { headers: from, json: { name: "Doomed Plugins", slug, pluginIdPrefix: "com.doomed.", admin: { email: "admin@doomed.test", password: "org-password-1" }, token: true } }),
      201,
    );
    await followContactLink("admin@doomed.test");
    const ca = await expectJson<Issued>(call(H(approve), { token: seed.operator, params: { id: reg.request.id } }), 200);
    const caFile = writePem(dir, "doomed-ca.pem", ca.certificate.pem);
    const plugin = async (pluginId: string) => {
      const r = await expectJson<{ request: { id: string } }>(call(H(requestPlugin), { token: reg.token, params: { slug }, json: { pluginId, csrPem: opensslCsr(dir, pluginId, { key: "rsa:2048" }) } }), 201);
      return (await expectJson<Issued>(call(H(approve), { token: reg.token, params: { id: r.request.id } }), 200)).certificate;
    };
    const p1 = await plugin("com.doomed.one");
    await plugin("com.doomed.two");
    // A hosted plugin key and an archive signed with it.
    const hostedReq = await expectJson<{ request: { id: string } }>(call(H(requestPlugin), { token: reg.token, params: { slug }, json: { pluginId: "com.doomed.signed", keyAlgorithm: "rsa-2048" } }), 201);
    await expectJson(call(H(approve), { token: reg.token, params: { id: hostedReq.request.id } }), 200);
    const archive = await zipTo(`${dir}/doomed.jpl`, pluginEntries("com.doomed.signed", "2.0.0"));
    const signed = await expectJson<{ id: string }>(call(H(uploadArtifact), { token: reg.token, params: { slug, pluginId: "com.doomed.signed" }, body: fs.readFileSync(archive), headers: { "content-type": "application/zip" } }), 201);
    const p1File = writePem(dir, "doomed-one.pem", p1.pem);
    await expectJson(call(H(requestPlugin), { token: reg.token, params: { slug }, json: { pluginId: "com.doomed.three" } }), 201);
    expect(await ocspStatus(caFile, p1File)).toBe("good");

    await expectJson(call(H(suspensionImpact), { token: reg.token, params: { slug } }), 403);
    const impact = await expectJson<Record<string, number | string>>(call(H(suspensionImpact), { token: seed.operator, params: { slug } }), 200);
    const { status, ...counts } = impact;
    expect(status).toBe("approved");
    expect(counts).toEqual({ caCertificates: 1, pluginCertificates: 3, pluginCertificatesBelowExternalCa: 0, artifacts: 1, tokens: 1, pendingRequests: 1 });
    await expectJson(call(H(suspend), { token: reg.token, params: { slug }, json: { reason: "Malware in a plugin", impact: counts } }), 403);
    const stale = await expectJson<{ impact: Record<string, number> }>(call(H(suspend), { token: seed.operator, params: { slug }, json: { reason: "Malware in a plugin", impact: { ...counts, pluginCertificates: 2 } } }), 409);
    expect(stale.impact.pluginCertificates).toBe(3);
    const done = await expectJson<{ org: { status: string }; revoked: Record<string, number> }>(call(H(suspend), { token: seed.operator, params: { slug }, json: { reason: "Malware in a plugin", impact: counts } }), 200);
    expect(done.org.status).toBe("suspended");
    await expectJson(call(H(suspend), { token: seed.operator, params: { slug }, json: { reason: "again", impact: counts } }), 409);

    // Relying parties see it: OCSP and the CRLs (the org CA's, the root's) say revoked.
    expect(await ocspStatus(caFile, p1File)).toBe("revoked");
    expect(await ocspStatus(seed.files.root, caFile)).toBe("revoked");
    expect((await crlText(ca.caId!, caFile)).toLowerCase()).toContain(p1.serial.toLowerCase());
    expect((await crlText(seed.rootCaId, seed.files.root)).toLowerCase()).toContain(ca.certificate.serial.toLowerCase());
    // The organization can no longer act: its token is disabled, its requests were rejected.
    expect((await call(H(listTokens), { token: reg.token })).status).toBe(401);
    const client = await db();
    expect(await client.certificateRequest.count({ where: { org: { slug }, status: "pending" } })).toBe(0);
    expect(await client.certificate.count({ where: { org: { slug }, status: "issued", kind: { in: ["org_ca", "plugin"] } } })).toBe(0);
    // The delegated OCSP responder stays valid: it signs the "revoked" answers relying parties now get.
    const audit = await client.auditEvent.findMany({ where: { action: "org.suspended" } });
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ reason: "Malware in a plugin", pluginCertificates: 3, caCertificates: 1, artifacts: 1 });
    const artifact = await expectJson<{ revocation: { reason: string } | null }>(call(H(getArtifact), { token: seed.operator, params: { id: signed.id } }), 200);
    expect(artifact.revocation?.reason).toBe("Organization suspended: Malware in a plugin");
    // A member who kept a session: the suspended organization neither requests nor renews.
    const member = await memberToken(slug, "admin", "late@doomed.test");
    await expectJson(call(H(requestPlugin), { token: member, params: { slug }, json: { pluginId: "com.doomed.four" } }), 409);
    await expectJson(call(H(renew), { token: member, params: { serial: p1.serial }, json: {} }), 409);
  });
});

describe("one plugin's page", () => {
  it("lists every certificate (renewals point at what they renew), every version and signed archive with downloads; others' plugins are 404", async () => {
    const pluginId = `com.acme${TAG}.paged`;
    const first = await issuePlugin(seed, TAG, pluginId);
    const renewed = await expectJson<Issued>(call(H(renew), { token: seed.orgAdmin, params: { serial: first.serial }, json: {} }), 200);
    for (const version of ["1.0.0", "1.1.0"]) {
      const archive = await zipTo(`${dir}/${pluginId}-${version}.jpl`, pluginEntries(pluginId, version));
      await expectJson(call(H(uploadArtifact), { token: seed.orgAdmin, params: { slug: SLUG, pluginId }, body: fs.readFileSync(archive), headers: { "content-type": "application/zip" } }), 201);
    }
    type Page = { certificates: { serial: string; renews: string | null; downloadUrl: string }[]; versions: { version: string; artifacts: number }[]; artifacts: { id: string; version: string; downloadUrl: string; certificateSerial: string }[]; requests: { status: string }[] };
    const page = await expectJson<Page>(call(H(getPlugin), { token: seed.orgAdmin, params: { slug: SLUG, pluginId } }), 200);
    expect(page.certificates.map((c) => [c.serial, c.renews])).toEqual([[renewed.certificate.serial, first.serial], [first.serial, null]]);
    expect(page.certificates[0].downloadUrl).toBe(`/api/v1/certificates/${renewed.certificate.serial}?format=pem`);
    expect(page.versions.map((v) => v.version).sort()).toEqual(["1.0.0", "1.1.0"]);
    expect(page.artifacts).toHaveLength(2);
    // Signed with the newest certificate (the renewal), downloadable.
    expect(new Set(page.artifacts.map((a) => a.certificateSerial))).toEqual(new Set([renewed.certificate.serial]));
    const res = await call(H(downloadArtifact), { token: seed.orgAdmin, params: { id: page.artifacts[0].id } });
    expect(res.status).toBe(200);
    expect(page.artifacts[0].downloadUrl).toBe(`/api/v1/artifacts/${page.artifacts[0].id}/download`);
    expect(page.requests.map((r) => r.status)).toEqual(["approved", "approved"]);
    await expectJson(call(H(getPlugin), { token: seed.operator, params: { slug: SLUG, pluginId } }), 200);
    await expectJson(call(H(getPlugin), { token: seed.orgAdmin, params: { slug: SLUG, pluginId: `com.acme${TAG}.missing` } }), 404);
    await expectJson(call(H(getPlugin), { token: seed.orgAdmin, params: { slug: SLUG, pluginId: "../../etc" } }), 404);
  });
});

describe("organizations' own webhooks", () => {
  it("an org admin registers an https receiver for its own events only; deliveries carry only its events", async () => {
    const url = "https://hooks.example.com/signet";
    await expectJson(call(H(createOrgWebhook), { token: seed.orgAdmin, params: { slug: SLUG }, json: { url: "http://127.0.0.1:9/hook" } }), 400);
    await expectJson(call(H(createOrgWebhook), { token: seed.orgAdmin, params: { slug: SLUG }, json: { url: "https://10.0.0.5/hook" } }), 400);
    await expectJson(call(H(createOrgWebhook), { token: seed.orgAdmin, params: { slug: SLUG }, json: { url, events: ["org.registered"] } }), 400);
    const member = await memberToken(SLUG, "member", "hookless@acme-lc.test");
    await expectJson(call(H(createOrgWebhook), { token: member, params: { slug: SLUG }, json: { url } }), 403);
    await expectJson(call(H(createOrgWebhook), { token: seed.operator, params: { slug: SLUG }, json: { url } }), 403);
    const created = await expectJson<{ webhook: { id: string; events: string[] }; secret: string }>(call(H(createOrgWebhook), { token: seed.orgAdmin, params: { slug: SLUG }, json: { url } }), 201);
    expect(created.webhook.events).toContain("request.approved");
    expect(created.webhook.events).toContain("artifact.signed");
    expect(created.secret).toMatch(/^whsec_/);
    // A store webhook sees every organization's events; the org's sees only its own.
    const store = await expectJson<{ webhook: { id: string } }>(call(H(createWebhook), { token: seed.operator, json: { url: "https://store.example.com/hook", events: [...WEBHOOK_EVENTS] } }), 201);
    expect((await expectJson<{ id: string }[]>(call(H(listWebhooks), { token: seed.operator }), 200)).map((w) => w.id)).toEqual([store.webhook.id]);
    expect((await expectJson<{ id: string }[]>(call(H(listOrgWebhooks), { token: seed.orgAdmin, params: { slug: SLUG } }), 200)).map((w) => w.id)).toEqual([created.webhook.id]);

    await issuePlugin(seed, TAG, `com.acme${TAG}.hooked`);
    const otherOrg = await expectJson<{ request: { id: string } }>(call(H(registerOrg), { headers: { "x-forwarded-for": "10.93.1.1" }, json: { name: "Elsewhere Co", slug: "elsewhere", pluginIdPrefix: "com.elsewhere.", admin: { email: "admin@elsewhere.test", password: "org-password-1" } } }), 201);
    await expectJson(call(H(reject), { token: seed.operator, params: { id: otherOrg.request.id }, json: { reason: "Unknown vendor" } }), 200);

    const client = await db();
    const events = async (webhookId: string) => (await client.webhookDelivery.findMany({ where: { webhookId }, orderBy: { createdAt: "asc" } })).map((d) => ({ event: d.event, org: (JSON.parse(d.body) as { data: { orgSlug?: string } }).data.orgSlug }));
    const mine = await events(created.webhook.id);
    expect(mine.map((e) => e.event)).toEqual(["request.pending", "certificate.issued", "request.approved"]);
    expect(new Set(mine.map((e) => e.org))).toEqual(new Set([SLUG]));
    const all = await events(store.webhook.id);
    expect(all.map((e) => e.event)).toEqual(expect.arrayContaining(["request.pending", "certificate.issued", "request.approved", "org.registered", "request.rejected"]));
    expect(all.some((e) => e.org === "elsewhere")).toBe(true);

    await expectJson(call(H(deleteOrgWebhook), { token: seed.operator, params: { slug: SLUG, id: created.webhook.id } }), 403);
    expect((await call(H(deleteOrgWebhook), { token: seed.orgAdmin, params: { slug: SLUG, id: store.webhook.id } })).status).toBe(404);
    expect((await call(H(deleteOrgWebhook), { token: seed.orgAdmin, params: { slug: SLUG, id: created.webhook.id } })).status).toBe(204);
    expect(file(seed, "root.pem")).toBeTruthy();
  });
});
