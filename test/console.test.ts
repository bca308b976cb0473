import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { GET as exportCertificates } from "@/app/api/v1/certificates/export/route";
import { GET as getCertificate } from "@/app/api/v1/certificates/[serial]/route";
import { GET as revocationImpact } from "@/app/api/v1/certificates/[serial]/revocation-impact/route";
import { GET as getPolicy, PATCH as patchPolicy, PUT as putPolicy } from "@/app/api/v1/settings/policy/route";
import { GET as listTokens, POST as createToken } from "@/app/api/v1/tokens/route";
import { DELETE as deleteToken } from "@/app/api/v1/tokens/[id]/route";
import { GET as notifications } from "@/app/api/v1/notifications/route";
import { GET as dashboard } from "@/app/api/v1/dashboard/route";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { verifyAuditChain } from "@/lib/server/audit/verify-audit-chain";
import type { Dashboard } from "@/lib/server/dashboard/get-dashboard";
import type { NotificationJson } from "@/lib/server/notifications/list-notifications";
import { call } from "./helpers";
import { H, issuePluginCert, jsonOf, requestPluginCert, seedStore, URL_BASE } from "./console-setup";

type Store = Awaited<ReturnType<typeof seedStore>>;
type Row = { serial: string; org: string | null; kind: string; status: string; daysLeft: number };

/** RFC 4180: quoted fields may hold commas and doubled quotes (subjects read "O=Acme, CN=…"). */
function parseCsv(text: string): Record<string, string>[] {
  const records = text.trim().split("\r\n").map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].map((m) => m[1].replace(/^"|"$/g, "").replace(/""/g, '"')).slice(0, -1));
  const [cols, ...rows] = records;
  return rows.map((cells) => Object.fromEntries(cells.map((v, i) => [cols[i], v])));
}

describe("console API: export, settings, tokens, notifications, dashboard", () => {
  let s: Store;
  beforeAll(async () => {
    s = await seedStore();
  });

  it("exports the inventory as CSV and JSON within the caller's scope and filters", async () => {
    const csvRes = await call(H(exportCertificates), { token: s.acme, url: `${URL_BASE}/api/v1/certificates/export?format=csv` });
    expect(csvRes.status).toBe(200);
    expect(csvRes.headers.get("content-type")).toContain("text/csv");
    expect(csvRes.headers.get("content-disposition")).toMatch(/attachment; filename="certificates-\d{4}-\d{2}-\d{2}\.csv"/);
    const acmeRows = parseCsv(await csvRes.text());
    expect(acmeRows.map((r) => r.serial)).toContain(s.acmeSerial);
    expect(acmeRows.every((r) => r.org === "acme")).toBe(true);
    expect(acmeRows.map((r) => r.serial)).not.toContain(s.betaSerial);

    const betaJson = await jsonOf<Row[]>(call(H(exportCertificates), { token: s.beta, url: `${URL_BASE}/api/v1/certificates/export?format=json` }), 200);
    expect(betaJson.map((r) => r.serial)).toContain(s.betaSerial);
    expect(betaJson.every((r) => r.org === "beta")).toBe(true);
    // Asking for another organization's rows by filter yields nothing, not their rows.
    expect(await jsonOf<Row[]>(call(H(exportCertificates), { token: s.beta, url: `${URL_BASE}/api/v1/certificates/export?format=json&org=acme` }), 200)).toEqual([]);

    const all = await jsonOf<Row[]>(call(H(exportCertificates), { token: s.operator, url: `${URL_BASE}/api/v1/certificates/export?format=json` }), 200);
    expect(all.map((r) => r.serial)).toEqual(expect.arrayContaining([s.acmeSerial, s.betaSerial]));
    expect(all.some((r) => r.kind === "root-ca")).toBe(true);
    const filtered = await jsonOf<Row[]>(call(H(exportCertificates), { token: s.operator, url: `${URL_BASE}/api/v1/certificates/export?format=json&kind=plugin&q=GREENSCREEN` }), 200);
    expect(filtered.map((r) => r.serial)).toEqual([s.acmeSerial]);
    const sorted = await jsonOf<Row[]>(call(H(exportCertificates), { token: s.operator, url: `${URL_BASE}/api/v1/certificates/export?format=json&sort=notAfter&order=asc` }), 200);
    expect(sorted.map((r) => r.daysLeft)).toEqual([...sorted.map((r) => r.daysLeft)].sort((a, b) => a - b));

    expect((await call(H(exportCertificates), { url: `${URL_BASE}/api/v1/certificates/export` })).status).toBe(401);
    expect((await call(H(exportCertificates), { token: s.operator, url: `${URL_BASE}/api/v1/certificates/export?format=xml` })).status).toBe(400);
  });

  it("decodes certificates field by field and previews what a revocation affects", async () => {
    const cert = await jsonOf<{ decoded: { extensions: { name: string; critical: boolean; values: string[] }[]; validity: { daysLeft: number; totalDays: number }; publicKey: { summary: string } }; issuer: { serial: string } }>(
      call(H(getCertificate), { token: s.acme, params: { serial: s.acmeSerial } }),
      200,
    );
    const ext = (name: string) => cert.decoded.extensions.find((e) => e.name === name);
    expect(ext("Basic constraints")).toMatchObject({ critical: true, values: ["CA: no"] });
    expect(ext("Key usage")?.values.join()).toContain("Digital signature");
    expect(ext("Extended key usage")?.values.join()).toContain("Code signing");
    expect(ext("CRL distribution points")?.values[0]).toMatch(/^http:\/\/localhost:3999\/crl\/.+\.crl$/);
    expect(ext("Authority information access")?.values.join("\n")).toContain("OCSP responder: http://localhost:3999/ocsp");
    expect(ext("Authority key identifier")?.values[0]).toMatch(/^Key id: [0-9A-F]{2}(:[0-9A-F]{2})+$/);
    expect(cert.decoded.publicKey.summary).toBe("RSA 2048 bits");
    expect(cert.decoded.validity.totalDays).toBe(365);
    // The member may follow the chain upward: the org CA is theirs, and the root is public.
    const orgCa = await jsonOf<{ decoded: { extensions: { name: string; values: string[] }[] }; issuer: { serial: string } }>(call(H(getCertificate), { token: s.acme, params: { serial: cert.issuer.serial } }), 200);
    expect(orgCa.decoded.extensions.find((e) => e.name === "Name constraints")?.values).toEqual(["Permitted: directory name O=Acme Plugins"]);
    await jsonOf(call(H(getCertificate), { token: s.acme, params: { serial: orgCa.issuer.serial } }), 200);

    expect(await jsonOf(call(H(revocationImpact), { token: s.operator, params: { serial: cert.issuer.serial } }), 200)).toEqual({ certificatesBelow: 1, artifacts: 0 });
    expect((await call(H(revocationImpact), { token: s.beta, params: { serial: s.acmeSerial } })).status).toBe(404);
  });

  it("lets only operators change store policy, audited, and PATCH keeps the other fields", async () => {
    expect((await call(H(getPolicy))).status).toBe(401);
    const before = await jsonOf<{ pluginCertValidityDays: number; orgCaValidityDays: number }>(call(H(getPolicy), { token: s.acme }), 200);
    expect(before).toEqual({ pluginApprovalRequiresOperator: false, orgCaValidityDays: 365, pluginCertValidityDays: 365, orgCaApprovals: 1, orgCaRevocationApprovals: 1, requireSecondFactor: "none", autoRenewDays: 0 });
    expect((await call(H(patchPolicy), { token: s.acme, method: "PATCH", json: { pluginCertValidityDays: 20 } })).status).toBe(403);
    expect((await call(H(patchPolicy), { method: "PATCH", json: { pluginCertValidityDays: 20 } })).status).toBe(401);
    expect((await call(H(patchPolicy), { token: s.operator, method: "PATCH", json: { pluginCertValidityDays: 0 } })).status).toBe(400);
    expect((await call(H(patchPolicy), { token: s.operator, method: "PATCH", json: { somethingElse: true } })).status).toBe(400);
    expect((await call(H(putPolicy), { token: s.operator, method: "PUT", json: { pluginCertValidityDays: 20 } })).status).toBe(400);

    const patched = await jsonOf(call(H(patchPolicy), { token: s.operator, method: "PATCH", json: { pluginCertValidityDays: 20 } }), 200);
    expect(patched).toEqual({ ...before, pluginCertValidityDays: 20 });
    const client = await db();
    const event = await client.auditEvent.findFirstOrThrow({ where: { action: "settings.policy_updated" }, orderBy: { seq: "desc" } });
    expect(event.details).toEqual({ pluginCertValidityDays: { from: 365, to: 20 } });
    expect(event.actorLabel).toBe("ops@example.com");

    // The policy takes effect on the next issuance.
    const serial = await issuePluginCert(s.acme, "acme", "com.acme.shortlived");
    const cert = await jsonOf<{ notBefore: string; notAfter: string }>(call(H(getCertificate), { token: s.acme, params: { serial } }), 200);
    expect((Date.parse(cert.notAfter) - Date.parse(cert.notBefore)) / 86_400_000).toBe(20);

    const put = { pluginApprovalRequiresOperator: false, orgCaValidityDays: 365, pluginCertValidityDays: 365 };
    expect(await jsonOf(call(H(putPolicy), { token: s.operator, method: "PUT", json: put }), 200)).toEqual({ ...put, orgCaApprovals: 1, orgCaRevocationApprovals: 1, requireSecondFactor: "none", autoRenewDays: 0 });
  });

  it("lists a person's own API tokens without the secret, and revokes them", async () => {
    const created = await jsonOf<{ id: string; token: string }>(call(H(createToken), { token: s.acme, json: { name: "ci pipeline" } }), 201);
    const tokens = await jsonOf<{ id: string; name: string; start: string }[]>(call(H(listTokens), { token: s.acme }), 200);
    expect(tokens.map((t) => t.name)).toEqual(expect.arrayContaining(["acme admin", "ci pipeline"]));
    const listed = tokens.find((t) => t.id === created.id)!;
    expect(created.token.startsWith(listed.start)).toBe(true);
    expect(listed.start.length).toBeLessThan(12);
    expect(JSON.stringify(tokens)).not.toContain(created.token);
    // Tokens are personal: beta's admin sees none of acme's and cannot revoke them.
    const betaTokens = await jsonOf<{ id: string }[]>(call(H(listTokens), { token: s.beta }), 200);
    expect(betaTokens.map((t) => t.id)).not.toContain(created.id);
    expect((await call(H(deleteToken), { token: s.beta, method: "DELETE", params: { id: created.id } })).status).toBe(404);
    expect((await call(H(listTokens), { token: created.token })).status).toBe(200);

    expect((await call(H(deleteToken), { token: s.acme, method: "DELETE", params: { id: created.id } })).status).toBe(204);
    expect((await call(H(listTokens), { token: created.token })).status).toBe(401);
    expect((await call(H(deleteToken), { token: s.acme, method: "DELETE", params: { id: created.id } })).status).toBe(404);
    const client = await db();
    expect(await client.auditEvent.count({ where: { action: "token.revoked", subjectId: created.id } })).toBe(1);
  });

  it("notifies whoever decides a pending request, and members of certificates expiring within 30 days", async () => {
    const titles = async (token: string) => (await jsonOf<{ count: number; items: NotificationJson[] }>(call(H(notifications), { token }), 200)).items;
    const reg = await jsonOf<{ request: { id: string } }>(
      call(H(registerOrg), { json: { name: "Gamma Labs", slug: "gamma", pluginIdPrefix: "io.gamma.", admin: { email: "admin@gamma.test", password: "org-password-1" } } }),
      201,
    );
    const pluginRequest = await requestPluginCert(s.acme, "acme", "com.acme.pending");
    const operatorItems = await titles(s.operator);
    expect(operatorItems.map((n) => n.id)).toContain(`request:${reg.request.id}`);
    expect(operatorItems.map((n) => n.id)).not.toContain(`request:${pluginRequest}`);
    expect((await titles(s.acme)).find((n) => n.id === `request:${pluginRequest}`)).toMatchObject({ kind: "request.pending", href: "/orgs/acme" });
    expect((await titles(s.beta)).map((n) => n.id)).not.toContain(`request:${pluginRequest}`);

    // When policy reserves plugin approvals to operators, the bell moves with the decision.
    await jsonOf(call(H(patchPolicy), { token: s.operator, method: "PATCH", json: { pluginApprovalRequiresOperator: true } }), 200);
    expect((await titles(s.operator)).map((n) => n.id)).toContain(`request:${pluginRequest}`);
    expect((await titles(s.acme)).map((n) => n.id)).not.toContain(`request:${pluginRequest}`);
    await jsonOf(call(H(patchPolicy), { token: s.operator, method: "PATCH", json: { pluginApprovalRequiresOperator: false } }), 200);

    // com.acme.shortlived (20 days, from the policy test) is acme's business, not beta's.
    const expiring = (await titles(s.acme)).filter((n) => n.kind === "certificate.expiring");
    expect(expiring).toHaveLength(1);
    expect(expiring[0].title).toMatch(/^com\.acme\.shortlived expires in (19|20) days$/);
    expect((await titles(s.beta)).some((n) => n.kind === "certificate.expiring")).toBe(false);
    expect((await call(H(notifications))).status).toBe(401);
  });

  it("builds each role's dashboard from its own rows only", async () => {
    const ops = await jsonOf<Dashboard>(call(H(dashboard), { token: s.operator }), 200);
    expect(ops.member).toBeNull();
    expect(ops.operator!.organizations).toMatchObject({ approved: 2, pending: 1 });
    expect(ops.operator!.pending.items.some((r) => r.orgSlug === "gamma")).toBe(true);
    expect(ops.operator!.expiry.within30).toBe(1);
    expect(ops.operator!.revocationHealth.find((h) => h.kind === "root")).toMatchObject({ keyMode: "hosted", responder: null });

    const beta = await jsonOf<Dashboard>(call(H(dashboard), { token: s.beta }), 200);
    expect(beta.operator).toBeNull();
    expect(beta.member!.plugins.map((p) => p.pluginId)).toEqual(["org.beta.filter"]);
    expect(beta.member!.expiry.within30).toBe(0);
    expect(JSON.stringify(beta)).not.toContain("acme");

    const acme = await jsonOf<Dashboard>(call(H(dashboard), { token: s.acme }), 200);
    expect(acme.member!.plugins.map((p) => p.pluginId)).toEqual(["com.acme.greenscreen", "com.acme.shortlived"]);
    expect(acme.member!.requests.pending).toBe(1);
    expect((await verifyAuditChain(await db())).valid).toBe(true);
  });
});
