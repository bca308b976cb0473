// Shared setup for the artifact tests: a store with two approved orgs, a hosted-key plugin
// certificate, and helpers to upload and inspect what was stored.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { POST as requestPlugin } from "@/app/api/v1/orgs/[slug]/plugin-cert-requests/route";
import { POST as upload } from "@/app/api/v1/orgs/[slug]/plugins/[pluginId]/artifacts/route";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { createApiToken } from "@/lib/server/tokens/create-api-token";
import { principalForUser } from "@/lib/server/auth/resolve-principal";
import { toPem } from "@/lib/pki/certificate/pem";
import { call, followContactLink, resetDatabase } from "./helpers";

export const H = (h: unknown) => h as never;

export async function json<T = Record<string, unknown>>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

export type Store = { operator: string; acmeAdmin: string; acmeMember: string; betaAdmin: string; rootPem: string; rootDer: Uint8Array };

async function register(name: string, slug: string, prefix: string): Promise<{ token: string; requestId: string }> {
  const reg = await json<{ request: { id: string }; token: string }>(
    await call(H(registerOrg), { json: { name, slug, pluginIdPrefix: prefix, admin: { email: `admin@${slug}.test`, password: `${slug}-password-1` }, token: true } }),
    201,
  );
  await followContactLink(`admin@${slug}.test`);
  return { token: reg.token, requestId: reg.request.id };
}

export async function setUpStore(): Promise<Store> {
  await resetDatabase();
  const operator = (await initializeSignet({ adminEmail: "ops@example.com", adminPassword: "pw-123456789" })).operatorToken;
  const acme = await register("Acme Plugins", "acme", "com.acme.");
  const beta = await register("Beta Tools", "beta", "org.beta.");
  await json(await call(H(approve), { token: operator, params: { id: acme.requestId } }), 200);
  await json(await call(H(approve), { token: operator, params: { id: beta.requestId } }), 200);
  const client = await db();
  const org = await client.organization.findUniqueOrThrow({ where: { slug: "acme" } });
  const userId = crypto.randomUUID();
  await client.user.create({ data: { id: userId, email: "member@acme.test", name: "Member" } });
  await client.member.create({ data: { id: crypto.randomUUID(), organizationId: org.id, userId, role: "member" } });
  const acmeMember = (await createApiToken(await principalForUser(client, userId, "token"), { name: "member" })).token;
  const root = await client.certificateAuthority.findFirstOrThrow({ where: { kind: "root" }, include: { certificate: true } });
  return { operator, acmeAdmin: acme.token, acmeMember, betaAdmin: beta.token, rootDer: root.certificate!.der!, rootPem: toPem(root.certificate!.der!, "CERTIFICATE") };
}

/** Requests and approves a plugin certificate; `csrPem` absent = hosted key. Returns its serial and PEM. */
export async function issuePluginCert(token: string, slug: string, pluginId: string, csrPem?: string): Promise<{ serial: string; pem: string }> {
  const created = await json<{ request: { id: string } }>(await call(H(requestPlugin), { token, params: { slug }, json: { pluginId, ...(csrPem ? { csrPem } : {}) } }), 201);
  return (await json<{ certificate: { serial: string; pem: string } }>(await call(H(approve), { token, params: { id: created.request.id } }), 200)).certificate;
}

export function uploadArchive(token: string | undefined, slug: string, pluginId: string, body: BodyInit, contentType = "application/zip"): Promise<Response> {
  return call(H(upload), { token, params: { slug, pluginId }, body, headers: contentType ? { "content-type": contentType } : {} });
}

/** What the store holds: artifact rows and files under the data dir (signed, partial and temporary). */
export async function storedState(): Promise<{ rows: number; files: string[] }> {
  const list = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => path.join(path.basename(dir), f)) : []);
  return { rows: await (await db()).artifact.count(), files: [...list(path.join(env().dataDir, "artifacts")), ...list(path.join(env().dataDir, "tmp"))] };
}
