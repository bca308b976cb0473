// Crash safety: a process doing issuance, revocation, CRL generation and archive signing is killed with SIGKILL at
// random moments, again and again; afterwards nothing may be half-done. Runs on the PostgreSQL
// server (DATABASE_URL, as CI does): the embedded database admits one process at a time.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { verifyAuditChain } from "@/lib/server/audit/verify-audit-chain";
import { approveRequest } from "@/lib/server/requests/approve-request";
import { principalForUser } from "@/lib/server/auth/resolve-principal";
import { registerOrg } from "@/lib/server/orgs/register-org";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { readArtifactBytes } from "@/lib/server/artifacts/artifact-bytes";
import { sweepAbandonedFiles } from "@/lib/server/artifacts/sweep-abandoned-files";
import { requestPluginCert } from "@/lib/server/requests/request-plugin-cert";
import { currentCrl } from "@/lib/server/revocation/current-crl";
import { publishCrl } from "@/lib/server/revocation/publish-crl";
import pg from "pg";
import { followContactLink, resetDatabase } from "./helpers";

const listFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);

const ROUNDS = 8;
const onServer = Boolean(process.env.DATABASE_URL);

function runAndKill(args: string[], killAfterMs: number): Promise<{ issued: number; signed: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve("test/crash/worker.ts"), ...args], {
      env: { ...process.env, SIGNET_DATA_DIR: env().dataDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
      // Start the clock once the worker is connected, so every kill lands in real work.
      if (!timer && output.includes("ready")) timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    });
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (signal !== "SIGKILL") return reject(new Error(`worker ended by itself (${code}): ${output}`));
      resolve({ issued: (output.match(/^issued /gm) ?? []).length, signed: (output.match(/^signed /gm) ?? []).length, output });
    });
  });
}

describe.runIf(onServer)("crash safety: kill -9 during issuance, revocation, CRL generation and signing", () => {
  let adminUserId = "";
  let orgCaId = "";

  beforeAll(async () => {
    await resetDatabase();
    const init = await initializeSignet({ adminEmail: "ops@example.com", adminPassword: "pw-123456789" });
    const client = await db();
    const operatorUser = await client.user.findFirstOrThrow({ where: { email: "ops@example.com" } });
    const reg = await registerOrg({ name: "Crash Org", slug: "crash", pluginIdPrefix: "com.crash.", admin: { email: "admin@crash.test", password: "crash-password-1" } });
    await followContactLink("admin@crash.test");
    await approveRequest(await principalForUser(client, operatorUser.id, "token"), reg.request.id);
    adminUserId = (await client.user.findFirstOrThrow({ where: { email: "admin@crash.test" } })).id;
    orgCaId = (await client.certificateAuthority.findFirstOrThrow({ where: { kind: "org" } })).id;
    expect(init.rootCaId).toBeTruthy();
  });

  it("leaves no half-done work behind, whenever it is killed", { timeout: 600_000 }, async () => {
    let issued = 0;
    let signed = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Spread the kills over the whole cycle: key generation, signing, commit, CRL encoding.
      const result = await runAndKill([adminUserId, "crash", orgCaId, String(round)], 400 + Math.floor(Math.random() * 2600));
      issued += result.issued;
      signed += result.signed;
    }
    expect(issued, "the worker must have done real work between kills").toBeGreaterThan(0);
    expect(signed, "the worker must have signed archives between kills").toBeGreaterThan(0);

    const client = await db();
    // 1. No serial is left reserved: reservation, signature, record and audit commit as one.
    expect(await client.certificate.count({ where: { status: { in: ["reserved", "failed"] } } })).toBe(0);
    // 2. Every certificate has its issuance event; every revocation its revocation event.
    const certificates = await client.certificate.findMany({ select: { id: true, status: true, der: true, serialHex: true } });
    const issuedEvents = new Set((await client.auditEvent.findMany({ where: { action: "certificate.issued" }, select: { subjectId: true } })).map((e) => e.subjectId));
    const revokedEvents = new Set((await client.auditEvent.findMany({ where: { action: "certificate.revoked" }, select: { subjectId: true } })).map((e) => e.subjectId));
    for (const c of certificates) {
      expect(c.der, `certificate ${c.serialHex} has no bytes`).not.toBeNull();
      expect(issuedEvents.has(c.id), `certificate ${c.serialHex} has no certificate.issued event`).toBe(true);
      if (c.status === "revoked") expect(revokedEvents.has(c.id), `revoked ${c.serialHex} has no certificate.revoked event`).toBe(true);
    }
    expect(await client.revocation.count()).toBe(certificates.filter((c) => c.status === "revoked").length);
    // 3. Every decided request has exactly its one certificate; undecided ones none.
    const requests = await client.certificateRequest.findMany({ select: { status: true, _count: { select: { certificates: true } } } });
    for (const r of requests) expect(r._count.certificates).toBe(r.status === "approved" ? 1 : 0);
    // 4. Every key belongs to something (no key from a rolled-back issuance survives).
    const orphanKeys = await client.managedKey.count({ where: { certificates: { none: {} }, certificateAuthorities: { none: {} } } });
    expect(orphanKeys).toBe(0);
    // 5. CRL numbers: unique per CA, never ahead of the CA's counter.
    for (const ca of await client.certificateAuthority.findMany({ select: { id: true, lastCrlNumber: true, crls: { select: { crlNumber: true } } } })) {
      for (const crl of ca.crls) expect(crl.crlNumber <= ca.lastCrlNumber).toBe(true);
    }
    // 6. Every artifact row has its bytes in the database, byte for byte, and its audit event; after
    //    the start-up sweep no file is left (uploads in flight, half-written) and no piece that no row names.
    const artifactEvents = new Set((await client.auditEvent.findMany({ where: { action: "artifact.signed" }, select: { subjectId: true } })).map((e) => e.subjectId));
    const artifacts = await client.artifact.findMany({ select: { id: true, sha256: true, size: true, storage: true } });
    for (const a of artifacts) {
      expect(a.storage, `artifact ${a.id}`).toBe("database");
      const hash = crypto.createHash("sha256");
      for await (const piece of readArtifactBytes(a.id, Number(a.size))) hash.update(piece as Buffer);
      expect(hash.digest("hex"), `artifact ${a.id}`).toBe(a.sha256);
      expect(artifactEvents.has(a.id), `artifact ${a.id} has no artifact.signed event`).toBe(true);
    }
    await sweepAbandonedFiles(client, Date.now(), 0);
    const left = [...listFiles(path.join(env().dataDir, "artifacts")), ...listFiles(path.join(env().dataDir, "tmp"))];
    expect(left).toEqual([]);
    const named = await client.artifactChunk.findMany({ distinct: ["artifactId"], select: { artifactId: true } });
    expect(named.map((c) => c.artifactId).sort()).toEqual(artifacts.map((a) => a.id).sort());
    // 7. The audit chain is intact.
    expect(await verifyAuditChain(client)).toMatchObject({ valid: true });
  });
});

/** Serials (upper-case hex) on the CRL the store serves for a CA, as OpenSSL reads it. */
async function servedCrlSerials(caId: string): Promise<string[]> {
  const crl = await currentCrl(caId);
  const out = spawnSync("openssl", ["crl", "-inform", "DER", "-noout", "-text"], { input: Buffer.from(crl.der), encoding: "utf8" });
  if (out.status !== 0) throw new Error(out.stderr);
  return [...out.stdout.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => m[1]);
}

function startChild(script: string, args: string[], extraEnv: Record<string, string>, onLine: (line: string) => void): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve(script), ...args], {
    env: { ...process.env, SIGNET_DATA_DIR: env().dataDir, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => d.toString().split("\n").forEach((l) => l && onLine(l)));
  child.stderr!.on("data", (d: Buffer) => d.toString().split("\n").forEach((l) => l && onLine(`stderr: ${l}`)));
  return child;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(onServer)("crash safety: a revocation committed but never published on a CRL", () => {
  it("is on the served CRL within the catch-up bound after a kill -9 between commit and CRL publication", { timeout: 180_000 }, async () => {
    await resetDatabase();
    await initializeSignet({ adminEmail: "ops@example.com", adminPassword: "pw-123456789" });
    const client = await db();
    const operator = await principalForUser(client, (await client.user.findFirstOrThrow({ where: { email: "ops@example.com" } })).id, "token");
    const reg = await registerOrg({ name: "Gap Org", slug: "gap", pluginIdPrefix: "com.gap.", admin: { email: "admin@gap.test", password: "gap-password-12" } });
    await followContactLink("admin@gap.test");
    await approveRequest(operator, reg.request.id);
    const adminUserId = (await client.user.findFirstOrThrow({ where: { email: "admin@gap.test" } })).id;
    const admin = await principalForUser(client, adminUserId, "token");
    const orgCaId = (await client.certificateAuthority.findFirstOrThrow({ where: { kind: "org" } })).id;
    const { request } = await requestPluginCert(admin, "gap", { pluginId: "com.gap.victim" });
    const { certificate } = await approveRequest(admin, request.id);
    await publishCrl(orgCaId);

    // Hold the CA row the way a CRL publication needs it (the revocation itself only key-shares it).
    const lock = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await lock.connect();
    let revoker: ChildProcess | undefined;
    let restarted: ChildProcess | undefined;
    const output: string[] = [];
    try {
      await lock.query("BEGIN");
      await lock.query(`SELECT id FROM certificate_authority WHERE id = $1 FOR NO KEY UPDATE`, [orgCaId]);
      revoker = startChild("test/crash/revoke-worker.ts", [adminUserId, certificate.serial], {}, (l) => output.push(l));
      const exited = new Promise((r) => revoker!.once("exit", r));
      const deadline = Date.now() + 60_000;
      while (!(await client.revocation.findFirst({ where: { serialHex: certificate.serial } }))) {
        if (Date.now() > deadline) throw new Error(`the revocation never committed: ${output.join("\n")}`);
        await sleep(100);
      }
      // Committed; the worker now waits for the CA row to publish. Kill it there.
      await sleep(500);
      revoker.kill("SIGKILL");
      await exited;
      await lock.query("ROLLBACK");
      expect(output.join("\n")).not.toContain("revoked and published");
      const unlisted = await client.revocation.findFirstOrThrow({ where: { serialHex: certificate.serial } });
      expect(unlisted.crlNumber, "no CRL lists the revocation after the crash").toBeNull();
      expect(await servedCrlSerials(orgCaId)).not.toContain(certificate.serial.toUpperCase());

      // Restart: a server instance with a fast catch-up interval publishes it.
      const catchUpMs = 500;
      const startedAt = Date.now();
      restarted = startChild("test/crash/server-start.ts", [], { SIGNET_CRL_CATCH_UP_MS: String(catchUpMs), NODE_ENV: "production" }, (l) => output.push(l));
      let listedAfter: number | undefined;
      while (Date.now() - startedAt < 60_000) {
        if ((await servedCrlSerials(orgCaId)).includes(certificate.serial.toUpperCase())) {
          listedAfter = Date.now() - startedAt;
          break;
        }
        await sleep(200);
      }
      expect(listedAfter, `the served CRL never listed ${certificate.serial}: ${output.join("\n")}`).toBeDefined();
      // Start-up (tsx, migrations check) plus the first run a second after start, on a loaded machine.
      expect(listedAfter!).toBeLessThan(30_000);
      expect(output.join("\n")).toContain("published CRLs for revocations no CRL listed yet");
    } finally {
      revoker?.kill("SIGKILL");
      restarted?.kill("SIGKILL");
      await lock.end().catch(() => {});
    }
  });
});

describe.skipIf(onServer)("crash safety (embedded database)", () => {
  it.skip("runs against the PostgreSQL server only (set DATABASE_URL): PGlite admits one process at a time", () => {});
});
