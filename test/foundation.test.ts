import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { GET as getCas } from "@/app/api/v1/cas/route";
import { GET as getHealth } from "@/app/api/v1/health/route";
import { GET as getCaFile } from "@/app/ca/[file]/route";
import { POST as postToken } from "@/app/api/v1/tokens/route";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { verifyAuditChain } from "@/lib/server/audit/verify-audit-chain";
import { openPrivateKey } from "@/lib/server/keys/envelope";
import { masterKey } from "@/lib/server/keys/master-key";
import { call, resetDatabase } from "./helpers";

const logs: string[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "signet-foundation-"));

describe("foundation: init, root CA, key custody, audit", () => {
  let rootCaId = "";
  let operatorToken = "";

  beforeAll(async () => {
    await resetDatabase();
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logs.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
      });
    }
    const result = await initializeSignet({ adminEmail: "Ops@Example.com", adminPassword: "pw-123456789", rootCommonName: "Test Store Root" });
    rootCaId = result.rootCaId;
    operatorToken = result.operatorToken;
  });

  afterAll(() => {
    vi.restoreAllMocks();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("creates exactly one operator and one root CA", async () => {
    const client = await db();
    expect(await client.user.count()).toBe(1);
    const user = await client.user.findFirstOrThrow();
    expect(user.email).toBe("ops@example.com");
    expect(user.role).toBe("operator");
    expect(await client.certificateAuthority.count({ where: { kind: "root" } })).toBe(1);
    expect(rootCaId).toMatch(/\S+/);
    expect(operatorToken).toMatch(/^sgt_/);
  });

  it("refuses a second init and changes nothing", async () => {
    const client = await db();
    const before = { users: await client.user.count(), cas: await client.certificateAuthority.count(), keys: await client.managedKey.count(), events: await client.auditEvent.count() };
    await expect(initializeSignet({ adminEmail: "other@example.com", adminPassword: "pw-123456789" })).rejects.toMatchObject({ code: "already_initialized" });
    const after = { users: await client.user.count(), cas: await client.certificateAuthority.count(), keys: await client.managedKey.count(), events: await client.auditEvent.count() };
    expect(after).toEqual(before);
  });

  it("serves the root certificate with the root profile, verified by openssl", async () => {
    const res = await call(getCaFile as never, { params: { file: `${rootCaId}.crt` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pkix-cert");
    const der = Buffer.from(await res.arrayBuffer());
    const derPath = path.join(tmp, "root.der");
    fs.writeFileSync(derPath, der);
    const text = execFileSync("openssl", ["x509", "-inform", "DER", "-in", derPath, "-noout", "-text"], { encoding: "utf8" });
    expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
    expect(text).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(text).toContain("Subject Key Identifier");
    expect(text).toContain("Subject: CN = Test Store Root");
    expect(text).toContain("ecdsa-with-SHA256");
    const serial = /Serial Number:\s*\n?\s*([0-9a-f:]+)/i.exec(text)![1].replace(/:/g, "");
    expect(serial.length).toBeLessThanOrEqual(40);
    expect(parseInt(serial.slice(0, 2), 16) & 0x80).toBe(0);
    const pemRes = await call(getCaFile as never, { params: { file: `${rootCaId}.pem` } });
    const pemPath = path.join(tmp, "root.pem");
    fs.writeFileSync(pemPath, await pemRes.text());
    expect(execFileSync("openssl", ["verify", "-CAfile", pemPath, pemPath], { encoding: "utf8" })).toContain("OK");
    // Whole-second validity (no fractional seconds in the encoding).
    const dates = execFileSync("openssl", ["x509", "-in", pemPath, "-noout", "-startdate", "-enddate"], { encoding: "utf8" });
    expect(dates).toMatch(/notBefore=.*GMT/);
  });

  it("answers unknown CA ids and bad file names with 404 problem+json", async () => {
    for (const file of ["nope.crt", "../../etc/passwd", "x.exe"]) {
      const res = await call(getCaFile as never, { params: { file } });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
  });

  it("stores the root key encrypted, and never shows it in API answers or logs", async () => {
    const client = await db();
    const ca = await client.certificateAuthority.findFirstOrThrow({ where: { kind: "root" } });
    const omitted = await client.managedKey.findUniqueOrThrow({ where: { id: ca.keyId! } });
    expect("encryptedPrivateKey" in omitted).toBe(false);
    const row = await client.managedKey.findUniqueOrThrow({ where: { id: ca.keyId! }, select: { encryptedPrivateKey: true, publicKeySpki: true } });
    const sealed = Buffer.from(row.encryptedPrivateKey!);
    const pkcs8 = openPrivateKey(masterKey(), ca.keyId!, sealed);
    const privateKey = crypto.createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
    expect(Buffer.from(crypto.createPublicKey(privateKey).export({ type: "spki", format: "der" }))).toEqual(Buffer.from(row.publicKeySpki));
    // The ciphertext holds neither the PKCS#8 bytes nor the raw private scalar.
    const scalar = Buffer.from(privateKey.export({ format: "jwk" }).d!, "base64url");
    expect(sealed.includes(pkcs8)).toBe(false);
    expect(sealed.includes(scalar)).toBe(false);
    // Nothing in the database's text columns holds the key either.
    const asText = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
    const dump = asText(await client.auditEvent.findMany()) + asText(await client.setting.findMany()) + asText(await client.apikey.findMany());
    const forms = [pkcs8.toString("base64"), pkcs8.toString("hex"), scalar.toString("base64url"), scalar.toString("hex"), scalar.toString("base64")];
    const answers = [
      await (await call(getCas as never)).text(),
      await (await call(getHealth as never)).text(),
      await (await call(getCaFile as never, { params: { file: `${rootCaId}.pem` } })).text(),
      await (await call(postToken as never, { token: operatorToken, json: { name: "ci" } })).text(),
    ].join("\n");
    for (const form of forms) {
      expect(answers).not.toContain(form);
      expect(logs.join("\n")).not.toContain(form);
      expect(dump).not.toContain(form);
    }
    expect(answers).not.toMatch(/PRIVATE KEY/);
  });

  it("lists CAs publicly and reports health", async () => {
    const cas = (await (await call(getCas as never)).json()) as { id: string; kind: string; certificatePem: string; status: string }[];
    expect(cas).toHaveLength(1);
    expect(cas[0]).toMatchObject({ id: rootCaId, kind: "root", status: "active" });
    expect(cas[0].certificatePem).toContain("BEGIN CERTIFICATE");
    expect(await (await call(getHealth as never)).json()).toEqual({ status: "ok", database: "ok" });
  });

  it("creates API tokens only for an identified caller, and rejects bad tokens with 401", async () => {
    expect((await call(postToken as never, { json: { name: "x" } })).status).toBe(401);
    const bad = await call(postToken as never, { token: "sgt_not-a-real-token", json: { name: "x" } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
    const ok = await call(postToken as never, { token: operatorToken, json: { name: "pipeline" } });
    expect(ok.status).toBe(201);
    const { token } = (await ok.json()) as { token: string };
    const client = await db();
    const stored = JSON.stringify(await client.apikey.findMany());
    expect(stored).not.toContain(token);
  });

  it("refuses cookie-authenticated cross-site writes (CSRF)", async () => {
    const res = await call(postToken as never, { json: { name: "x" }, headers: { cookie: "better-auth.session_token=abc", origin: "https://evil.example" } });
    expect(res.status).toBe(403);
  });

  it("audits init, key creation and issuance in a verifiable hash chain", async () => {
    const client = await db();
    const actions = (await client.auditEvent.findMany({ orderBy: { seq: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["setup.operator_created", "key.created", "certificate.issued", "setup.initialized", "token.created"]));
    expect(await verifyAuditChain(client)).toMatchObject({ valid: true });
    const target = await client.auditEvent.findFirstOrThrow({ where: { action: "key.created" } });
    await client.$executeRawUnsafe(`UPDATE audit_event SET "actorLabel" = 'mallory' WHERE seq = ${target.seq}`);
    expect(await verifyAuditChain(client)).toMatchObject({ valid: false, brokenAt: target.seq.toString() });
  });
});
