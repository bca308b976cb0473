import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { GET as listRequests } from "@/app/api/v1/requests/route";
import { GET as getRequest } from "@/app/api/v1/requests/[id]/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { POST as reject } from "@/app/api/v1/requests/[id]/reject/route";
import { POST as requestPlugin } from "@/app/api/v1/orgs/[slug]/plugin-cert-requests/route";
import { GET as getCertificate } from "@/app/api/v1/certificates/[serial]/route";
import { POST as revoke } from "@/app/api/v1/certificates/[serial]/revoke/route";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { verifyAuditChain } from "@/lib/server/audit/verify-audit-chain";
import { call, followContactLink, resetDatabase } from "./helpers";
import { openssl, opensslCsr, tempDir, writePem } from "./pki-fixtures";

const dir = tempDir("signet-hierarchy-");
const H = (h: unknown) => h as never;

async function json<T = Record<string, unknown>>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

describe("hierarchy: enrollment, approval, plugin certificates, revocation", () => {
  let operator = "";
  let rootPem = "";
  let orgAdmin = "";
  let orgCaPem = "";

  beforeAll(async () => {
    await resetDatabase();
    const init = await initializeSignet({ adminEmail: "ops@example.com", adminPassword: "pw-123456789" });
    operator = init.operatorToken;
    const client = await db();
    const root = await client.certificateAuthority.findFirstOrThrow({ where: { kind: "root" }, include: { certificate: true } });
    rootPem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(root.certificate!.der!).toString("base64").match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
    writePem(dir, "root.pem", rootPem);
  });

  it("registers an org, and the operator's approval issues an org CA with the profile", async () => {
    const reg = await json<{ org: { slug: string; status: string }; request: { id: string }; token: string }>(
      await call(H(registerOrg), { json: { name: "Acme Plugins", slug: "acme", pluginIdPrefix: "com.acme.", admin: { email: "admin@acme.test", password: "acme-password-1" }, token: true } }),
      201,
    );
    expect(reg.org).toMatchObject({ slug: "acme", status: "pending" });
    orgAdmin = reg.token;
    const queue = await json<{ id: string; kind: string }[]>(await call(H(listRequests), { token: operator, url: "http://localhost:3999/api/v1/requests?status=pending" }), 200);
    expect(queue.map((r) => r.id)).toContain(reg.request.id);
    const review = await json<{ willIssue: { extensions: string[] } }>(await call(H(getRequest), { token: operator, params: { id: reg.request.id } }), 200);
    expect(review.willIssue.extensions.join("\n")).toContain("pathlen:0");
    // The org admin cannot approve its own org CA.
    expect((await call(H(approve), { token: orgAdmin, params: { id: reg.request.id } })).status).toBe(403);
    await followContactLink("admin@acme.test");
    const approved = await json<{ certificate: { serial: string; pem: string } }>(await call(H(approve), { token: operator, params: { id: reg.request.id } }), 200);
    orgCaPem = approved.certificate.pem;
    const orgPath = writePem(dir, "org.pem", orgCaPem);
    expect(openssl(["verify", "-CAfile", path.join(dir, "root.pem"), orgPath])).toContain("OK");
    const text = openssl(["x509", "-in", orgPath, "-noout", "-text"]);
    expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(text).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(text).toMatch(/Name Constraints: critical\s+Permitted:\s+DirName: ?O ?= ?Acme Plugins/);
    expect(text).toMatch(/URI:http:\/\/localhost:3999\/crl\/\S+\.crl/);
    expect(text).toContain("OCSP - URI:http://localhost:3999/ocsp");
    // Approving twice is a conflict.
    expect((await call(H(approve), { token: operator, params: { id: reg.request.id } })).status).toBe(409);
  });

  it("issues CA:FALSE codeSigning plugin certificates whatever the CSR asks, verified by openssl and GnuTLS", async () => {
    const csrPem = opensslCsr(dir, "plugin1", { subj: "/CN=evil/O=Other", addext: ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign"] });
    const created = await json<{ request: { id: string } }>(await call(H(requestPlugin), { token: orgAdmin, params: { slug: "acme" }, json: { pluginId: "com.acme.greenscreen", csrPem } }), 201);
    const review = await json<{ csr: { requestedExtensions: { name: string }[] } }>(await call(H(getRequest), { token: orgAdmin, params: { id: created.request.id } }), 200);
    expect(review.csr.requestedExtensions.length).toBeGreaterThan(0);
    const issued = await json<{ certificate: { serial: string; pem: string } }>(await call(H(approve), { token: orgAdmin, params: { id: created.request.id } }), 200);
    const pluginPath = writePem(dir, "plugin1.pem", issued.certificate.pem);
    const text = openssl(["x509", "-in", pluginPath, "-noout", "-text"]);
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/Extended Key Usage:\s+Code Signing/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature\n/);
    expect(text).toMatch(/Subject: O ?= ?Acme Plugins, CN ?= ?com\.acme\.greenscreen/);
    expect(openssl(["verify", "-CAfile", path.join(dir, "root.pem"), "-untrusted", path.join(dir, "org.pem"), pluginPath])).toContain("OK");
    const chain = writePem(dir, "chain1.pem", issued.certificate.pem + orgCaPem);
    const gnutls = execFileSync("certtool", ["--verify", "--load-ca-certificate", path.join(dir, "root.pem"), "--infile", chain], { encoding: "utf8" });
    expect(gnutls).toMatch(/Chain verification output: Verified/);
  });

  it("issues plugin certificates on hosted RSA keys, and re-issues on the same key", async () => {
    const first = await json<{ request: { id: string } }>(await call(H(requestPlugin), { token: orgAdmin, params: { slug: "acme" }, json: { pluginId: "com.acme.hosted" } }), 201);
    const a = await json<{ certificate: { pem: string } }>(await call(H(approve), { token: orgAdmin, params: { id: first.request.id } }), 200);
    const p = writePem(dir, "hosted.pem", a.certificate.pem);
    expect(openssl(["verify", "-CAfile", path.join(dir, "root.pem"), "-untrusted", path.join(dir, "org.pem"), p])).toContain("OK");
    expect(openssl(["x509", "-in", p, "-noout", "-text"])).toMatch(/Public-Key: \(3072 bit\)/);
    const second = await json<{ request: { id: string } }>(await call(H(requestPlugin), { token: orgAdmin, params: { slug: "acme" }, json: { pluginId: "com.acme.hosted" } }), 201);
    const b = await json<{ certificate: { pem: string } }>(await call(H(approve), { token: orgAdmin, params: { id: second.request.id } }), 200);
    const p2 = writePem(dir, "hosted2.pem", b.certificate.pem);
    expect(openssl(["x509", "-in", p2, "-noout", "-pubkey"])).toBe(openssl(["x509", "-in", p, "-noout", "-pubkey"]));
  });

  it("refuses a plugin id outside the org's prefix with 400", async () => {
    const res = await call(H(requestPlugin), { token: orgAdmin, params: { slug: "acme" }, json: { pluginId: "org.other.thing" } });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("answers bad CSRs with 4xx problem+json and stores nothing", async () => {
    const client = await db();
    const before = await client.certificateRequest.count();
    const good = opensslCsr(dir, "good");
    const body = good.replace(/-----[^-]+-----|\s/g, "");
    const der = Buffer.from(body, "base64");
    der[der.length - 5] ^= 0xff; // inside the signature
    const badSig = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
    const cases: [string, string, number[]][] = [
      ["garbage", "this is not a CSR", [400]],
      ["truncated", good.slice(0, good.length / 2) + "\n-----END CERTIFICATE REQUEST-----\n", [400]],
      ["1 MB", "A".repeat(1024 * 1024), [413]],
      ["RSA-1024", opensslCsr(dir, "weak", { key: "rsa:1024" }), [400]],
      ["bad signature", badSig, [400]],
      ["ECDSA for a plugin (Jami needs RSA)", opensslCsr(dir, "ec", { key: `ec:${writeEcParams()}` }), [400]],
    ];
    for (const [name, csrPem, statuses] of cases) {
      const res = await call(H(requestPlugin), { token: orgAdmin, params: { slug: "acme" }, json: { pluginId: "com.acme.bad", csrPem } });
      expect(statuses, `${name}: ${res.status}`).toContain(res.status);
      expect(res.headers.get("content-type"), name).toBe("application/problem+json");
      const problem = (await res.json()) as { detail: string };
      expect(problem.detail.length, name).toBeGreaterThan(5);
    }
    expect(await client.certificateRequest.count()).toBe(before);
  });

  it("issues exactly one certificate under fifty concurrent approvals", async () => {
    const created = await json<{ request: { id: string } }>(await call(H(requestPlugin), { token: orgAdmin, params: { slug: "acme" }, json: { pluginId: "com.acme.race", csrPem: opensslCsr(dir, "race") } }), 201);
    const results = await Promise.all(Array.from({ length: 50 }, () => call(H(approve), { token: orgAdmin, params: { id: created.request.id } })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const client = await db();
    expect(await client.certificate.count({ where: { requestId: created.request.id } })).toBe(1);
  });

  it("rejects with a reason the org sees", async () => {
    const created = await json<{ request: { id: string } }>(await call(H(requestPlugin), { token: orgAdmin, params: { slug: "acme" }, json: { pluginId: "com.acme.nope" } }), 201);
    const res = await json<{ request: { status: string; rejectionReason: string } }>(await call(H(reject), { token: orgAdmin, params: { id: created.request.id }, json: { reason: "Not a real plugin" } }), 200);
    expect(res.request).toMatchObject({ status: "rejected", rejectionReason: "Not a real plugin" });
  });

  it("revokes a plugin certificate with a reason and invalidity date; twice is a conflict", async () => {
    const client = await db();
    const cert = await client.certificate.findFirstOrThrow({ where: { pluginId: "com.acme.greenscreen" } });
    const invalidityDate = new Date(Date.now() - 3600_000).toISOString();
    const res = await json<{ status: string; revocation: { reason: string; invalidityDate: string }; affects: { artifacts: number } }>(
      await call(H(revoke), { token: orgAdmin, params: { serial: cert.serialHex }, json: { reason: "keyCompromise", invalidityDate } }),
      200,
    );
    expect(res.status).toBe("revoked");
    expect(res.revocation.reason).toBe("keyCompromise");
    expect(res.affects).toEqual({ certificatesBelow: 0, artifacts: 0 });
    expect((await call(H(revoke), { token: orgAdmin, params: { serial: cert.serialHex }, json: { reason: "keyCompromise" } })).status).toBe(409);
    const detail = await json<{ status: string }>(await call(H(getCertificate), { token: orgAdmin, params: { serial: cert.serialHex } }), 200);
    expect(detail.status).toBe("revoked");
    expect((await verifyAuditChain(client)).valid).toBe(true);
  });
});

function writeEcParams(): string {
  const p = path.join(dir, "prime256v1.pem");
  if (!fs.existsSync(p)) execFileSync("openssl", ["ecparam", "-name", "prime256v1", "-out", p]);
  return p;
}
