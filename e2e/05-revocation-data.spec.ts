import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { operatorToken, verifyContactByApi } from "./fixtures";

// Against the production server (scripts/server.mjs answers /ocsp on node:http): a relying party
// that asked before a revocation must hear "revoked" right after it, with or without a nonce.
test.describe.configure({ mode: "serial" });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-e2e-ocsp-"));
const file = (name: string, content: string) => {
  fs.writeFileSync(path.join(dir, name), content);
  return path.join(dir, name);
};

function ocsp(baseURL: string, nonce: boolean): string {
  const args = ["ocsp", "-issuer", path.join(dir, "org.pem"), "-cert", path.join(dir, "plugin.pem"), "-url", `${baseURL}/ocsp`, "-CAfile", path.join(dir, "root.pem")];
  // OpenSSL reports the signature check on stderr and the statuses on stdout.
  const run = spawnSync("openssl", nonce ? args : [...args, "-no_nonce"], { encoding: "utf8" });
  return `${run.stderr}${run.stdout}`;
}

async function post<T>(request: APIRequestContext, url: string, token: string | undefined, data: unknown): Promise<T> {
  const res = await request.post(url, { data, headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return (await res.json()) as T;
}

test("revocation data: OCSP turns from good to revoked at once, and the CRL lists the serial", async ({ page, request, baseURL }) => {
  // The operator, set up through the API when this spec runs alone.
  const operator = await operatorToken(page, request, baseURL!, "e2e revocation");

  const reg = await post<{ token: string; request: { id: string } }>(request, "/api/v1/orgs", undefined, {
    name: "Revocation Org",
    slug: "revocation-org",
    pluginIdPrefix: "org.revocation.",
    admin: { email: "admin@revocation.test", password: "revocation-pass-1" },
    token: true,
  });
  await verifyContactByApi(request, operator, "admin@revocation.test");
  const orgCa = await post<{ certificate: { pem: string } }>(request, `/api/v1/requests/${reg.request.id}/approve`, operator, {});
  file("org.pem", orgCa.certificate.pem);
  const asked = await post<{ request: { id: string } }>(request, "/api/v1/orgs/revocation-org/plugin-cert-requests", reg.token, { pluginId: "org.revocation.tool" });
  const plugin = await post<{ certificate: { pem: string; serial: string } }>(request, `/api/v1/requests/${asked.request.id}/approve`, reg.token, {});
  file("plugin.pem", plugin.certificate.pem);
  const cas = (await (await request.get("/api/v1/cas")).json()) as { id: string; kind: string; certificatePem: string }[];
  file("root.pem", await (await request.get(`/ca/${cas.find((c) => c.kind === "root")!.id}.pem`)).text());

  for (const nonce of [false, true]) {
    const out = ocsp(baseURL!, nonce);
    expect(out).toContain("Response verify OK");
    expect(out).toContain("plugin.pem: good");
  }

  await post(request, `/api/v1/certificates/${plugin.certificate.serial}/revoke`, reg.token, { reason: "keyCompromise" });
  for (const nonce of [false, true]) {
    const out = ocsp(baseURL!, nonce);
    expect(out, `nonce ${nonce}`).toContain("plugin.pem: revoked");
    expect(out).toMatch(/Reason: keyCompromise/);
  }

  const issuing = cas.find((c) => c.certificatePem.replace(/\s/g, "") === orgCa.certificate.pem.replace(/\s/g, ""))!;
  const crl = await request.get(`/crl/${issuing.id}.crl`);
  expect(crl.headers()["content-type"]).toBe("application/pkix-crl");
  fs.writeFileSync(path.join(dir, "org.crl"), await crl.body());
  const text = execFileSync("openssl", ["crl", "-inform", "DER", "-in", path.join(dir, "org.crl"), "-noout", "-text"], { encoding: "utf8" });
  expect(text).toContain(`Serial Number: ${plugin.certificate.serial.toUpperCase()}`);
  expect(text).toContain("Key Compromise");
});
