// Seeds a hierarchy for the revocation-data tests through the real API routes, and serves the
// PKI endpoints over HTTP for stock clients: Root CA → hosted org CA → plugin certificates, plus an
// org whose CA key is external.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { db } from "@/lib/db";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { POST as requestPlugin } from "@/app/api/v1/orgs/[slug]/plugin-cert-requests/route";
import { POST as revoke } from "@/app/api/v1/certificates/[serial]/revoke/route";
import { GET as getCrl } from "@/app/crl/[file]/route";
import { GET as ocspGet, POST as ocspPost } from "@/app/ocsp/route";
import { GET as ocspGetPath } from "@/app/ocsp/[...req]/route";
import { toPem } from "@/lib/pki/certificate/pem";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { call, followContactLink, resetDatabase } from "./helpers";
import { startHttpServer, type TestServer } from "./http-server";
import { opensslCsr, writePem } from "./pki-fixtures";

const H = (h: unknown) => h as never;

export type Seeded = {
  dir: string;
  operator: string;
  orgAdmin: string;
  rootCaId: string;
  orgCaId: string;
  externalOrgCaId: string;
  files: { root: string; org: string; chain: string; externalOrg: string };
  server: TestServer;
};

async function ok<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

function p256Params(dir: string): string {
  const p = path.join(dir, "p256.pem");
  if (!fs.existsSync(p)) execFileSync("openssl", ["ecparam", "-name", "prime256v1", "-out", p]);
  return p;
}

function caPem(der: Uint8Array): string {
  return toPem(der, "CERTIFICATE");
}

export async function seedRevocationHierarchy(dir: string, tag: string): Promise<Seeded> {
  await resetDatabase();
  const init = await initializeSignet({ adminEmail: `ops-${tag}@example.com`, adminPassword: "pw-123456789" });
  const operator = init.operatorToken;
  // A per-file client address keeps the in-memory registration rate limit out of the way.
  const from = { "x-forwarded-for": `10.${crypto.randomInt(255)}.${crypto.randomInt(255)}.${crypto.randomInt(255)}` };
  const hosted = await ok<{ request: { id: string }; token: string }>(
    await call(H(registerOrg), { headers: from, json: { name: `Acme ${tag}`, slug: `acme-${tag}`, pluginIdPrefix: `com.acme${tag}.`, admin: { email: `admin-${tag}@acme.test`, password: "acme-password-1" }, token: true } }),
    201,
  );
  await followContactLink(`admin-${tag}@acme.test`);
  const hostedCa = await ok<{ caId: string }>(await call(H(approve), { token: operator, params: { id: hosted.request.id } }), 200);
  const external = await ok<{ request: { id: string } }>(
    await call(H(registerOrg), {
      headers: from,
      json: { name: `Ext ${tag}`, slug: `ext-${tag}`, pluginIdPrefix: `org.ext${tag}.`, admin: { email: `admin-${tag}@ext.test`, password: "ext-password-12" }, csrPem: opensslCsr(dir, `extca-${tag}`, { key: `ec:${p256Params(dir)}`, subj: `/CN=Ext ${tag}` }) },
    }),
    201,
  );
  await followContactLink(`admin-${tag}@ext.test`);
  const externalCa = await ok<{ caId: string }>(await call(H(approve), { token: operator, params: { id: external.request.id } }), 200);

  const client = await db();
  const cas = await client.certificateAuthority.findMany({ include: { certificate: true } });
  const der = (id: string) => cas.find((c) => c.id === id)!.certificate!.der!;
  const root = cas.find((c) => c.kind === "root")!;
  const files = {
    root: writePem(dir, "root.pem", caPem(root.certificate!.der!)),
    org: writePem(dir, "org.pem", caPem(der(hostedCa.caId))),
    chain: writePem(dir, "chain.pem", caPem(der(hostedCa.caId)) + caPem(root.certificate!.der!)),
    externalOrg: writePem(dir, "ext-org.pem", caPem(der(externalCa.caId))),
  };
  const server = await startHttpServer([
    { path: "/ocsp", methods: { POST: H(ocspPost), GET: H(ocspGet) } },
    { path: "/ocsp/*req", methods: { GET: H(ocspGetPath), HEAD: H(ocspGetPath) } },
    { path: "/crl/:file", methods: { GET: H(getCrl) } },
    { path: "/api/v1/certificates/:serial/revoke", methods: { POST: H(revoke) } },
  ]);
  return { dir, operator, orgAdmin: hosted.token, rootCaId: root.id, orgCaId: hostedCa.caId, externalOrgCaId: externalCa.caId, files, server };
}

/**
 * A plugin certificate under the hosted org CA — on a hosted key, or on an OpenSSL-made RSA-2048 key
 * (faster to make) when `external` — returning its PEM path and serial.
 */
export async function issuePlugin(seed: Seeded, tag: string, pluginId: string, external = false): Promise<{ file: string; serial: string }> {
  const csrPem = external ? opensslCsr(seed.dir, pluginId, { key: "rsa:2048" }) : undefined;
  const created = await ok<{ request: { id: string } }>(await call(H(requestPlugin), { token: seed.orgAdmin, params: { slug: `acme-${tag}` }, json: { pluginId, csrPem } }), 201);
  const issued = await ok<{ certificate: { serial: string; pem: string } }>(await call(H(approve), { token: seed.orgAdmin, params: { id: created.request.id } }), 200);
  return { file: writePem(seed.dir, `${pluginId}.pem`, issued.certificate.pem), serial: issued.certificate.serial };
}

/** Revokes over HTTP through the public API route, as a CI pipeline would. */
export async function revokeOverHttp(seed: Seeded, serial: string, reason: string, invalidityDate?: string): Promise<void> {
  const res = await fetch(`${seed.server.url}/api/v1/certificates/${serial}/revoke`, {
    method: "POST",
    headers: { authorization: `Bearer ${seed.orgAdmin}`, "content-type": "application/json" },
    body: JSON.stringify({ reason, invalidityDate }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(((await res.json()) as { status: string }).status).toBe("revoked");
}

export const file = (seed: Seeded, name: string) => path.join(seed.dir, name);
