// A small store for the console tests: an operator, two approved organizations (acme, beta) and a
// plugin certificate in each, made through the same route handlers the console calls.
import { expect } from "vitest";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { POST as requestPlugin } from "@/app/api/v1/orgs/[slug]/plugin-cert-requests/route";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { call, followContactLink, resetDatabase } from "./helpers";
import { opensslCsr, tempDir } from "./pki-fixtures";

export const H = (h: unknown) => h as never;
export const URL_BASE = "http://localhost:3999";

export async function jsonOf<T>(res: Response | Promise<Response>, status: number): Promise<T> {
  const r = await res;
  const text = await r.text();
  expect(r.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function registerApprovedOrg(operator: string, name: string, slug: string, prefix: string): Promise<string> {
  const reg = await jsonOf<{ token: string; request: { id: string } }>(
    call(H(registerOrg), { json: { name, slug, pluginIdPrefix: prefix, admin: { email: `admin@${slug}.test`, password: "org-password-1" }, token: true } }),
    201,
  );
  await followContactLink(`admin@${slug}.test`);
  await jsonOf(call(H(approve), { token: operator, params: { id: reg.request.id } }), 200);
  return reg.token;
}

const csrDir = tempDir("signet-console-");

/** Requests a plugin certificate with an OpenSSL-made CSR (RSA 2048: fast, and what the profile accepts). */
export async function requestPluginCert(token: string, slug: string, pluginId: string): Promise<string> {
  const csrPem = opensslCsr(csrDir, pluginId, { key: "rsa:2048" });
  const created = await jsonOf<{ request: { id: string } }>(call(H(requestPlugin), { token, params: { slug }, json: { pluginId, csrPem } }), 201);
  return created.request.id;
}

export async function issuePluginCert(token: string, slug: string, pluginId: string): Promise<string> {
  const id = await requestPluginCert(token, slug, pluginId);
  const issued = await jsonOf<{ certificate: { serial: string } }>(call(H(approve), { token, params: { id } }), 200);
  return issued.certificate.serial;
}

export async function seedStore() {
  await resetDatabase();
  const operator = (await initializeSignet({ adminEmail: "ops@example.com", adminPassword: "pw-123456789" })).operatorToken;
  const acme = await registerApprovedOrg(operator, "Acme Plugins", "acme", "com.acme.");
  const beta = await registerApprovedOrg(operator, "Beta Tools", "beta", "org.beta.");
  const acmeSerial = await issuePluginCert(acme, "acme", "com.acme.greenscreen");
  const betaSerial = await issuePluginCert(beta, "beta", "org.beta.filter");
  return { operator, acme, beta, acmeSerial, betaSerial };
}
