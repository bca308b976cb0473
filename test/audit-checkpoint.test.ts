// Audit tampering that the hash chain alone cannot see (deleting the newest events; editing one and
// recomputing every later hash), caught against a checkpoint signed by a key the database does not
// hold; and failed or denied actions, which leave events too.
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { GET as listAudit } from "@/app/api/v1/audit/route";
import { GET as getCheckpoint } from "@/app/audit/checkpoint/route";
import { GET as getCheckpointKey } from "@/app/audit/checkpoint/key/route";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { POST as setup } from "@/app/api/v1/setup/route";
import { POST as authHandler } from "@/app/api/auth/[...all]/route";
import { checkpointSignedBytes, type Checkpoint } from "@/lib/pki/audit/checkpoint";
import { auditHash } from "@/lib/server/audit/audit-hash";
import { verifyAuditChain } from "@/lib/server/audit/verify-audit-chain";
import { DENIAL_WINDOW_MS, flushSuppressedDenials, RECORD_PER_WINDOW } from "@/lib/server/audit/record-denial";
import { derivedKeyPair } from "@/lib/server/keys/purpose-key";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { issueSetupToken } from "@/lib/server/setup/setup-token";
import { call, resetDatabase } from "./helpers";
import { tempDir } from "./pki-fixtures";

const H = (h: unknown) => h as never;
const dir = tempDir("signet-audit-cp-");
let operator = "";
let orgAdmin = "";
let base = "";
let server: http.Server;

async function checkpoint(): Promise<Checkpoint> {
  const res = await call(H(getCheckpoint), { url: "http://localhost:3999/audit/checkpoint" });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Checkpoint;
}

let orgs = 0;
async function addEvents(): Promise<void> {
  orgs += 1;
  const res = await call(H(registerOrg), { json: { name: `Org ${orgs}`, slug: `org-${orgs}`, pluginIdPrefix: `com.org${orgs}.`, admin: { email: `a${orgs}@org.test`, password: "org-password-1" } } });
  expect(res.status).toBe(201);
}

/** What someone with write access to the database can do: edit event `seq`, then recompute every later hash. */
async function rewriteFrom(seq: bigint, details: Record<string, unknown>): Promise<void> {
  const client = await db();
  const events = await client.auditEvent.findMany({ where: { seq: { gte: seq } }, orderBy: { seq: "asc" } });
  let prev = events[0].prevHash;
  for (const e of events) {
    const record = { ...e, details: e.seq === seq ? details : e.details, prevHash: prev };
    const hash = auditHash(record);
    await client.$executeRawUnsafe(`UPDATE audit_event SET details = $1::jsonb, "prevHash" = $2, hash = $3 WHERE seq = ${e.seq}`, JSON.stringify(record.details), prev, `tmp-${e.seq}`);
    await client.$executeRawUnsafe(`UPDATE audit_event SET hash = $1 WHERE seq = ${e.seq}`, hash);
    prev = hash;
  }
}

/** The real CLI, which must exit by itself. */
function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, ["cli/signet.mjs", ...args], { cwd: process.cwd(), env: { ...process.env, ...extraEnv }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, out: String(stdout), err: String(stderr) }),
    ),
  );
}

/** The CLI over HTTP (works on both backends: the test process holds the embedded database). */
const cliHttp = (args: string[]) => cli(["audit", "verify", "--url", base, ...args], { SIGNET_TOKEN: operator });

function serve(): Promise<string> {
  server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const request = new Request(url, { headers: req.headers as Record<string, string> });
    const route = { "/api/v1/audit": listAudit, "/audit/checkpoint": getCheckpoint, "/audit/checkpoint/key": getCheckpointKey }[url.pathname];
    const response = route ? await route(request, H({ params: Promise.resolve({}) })) : new Response("not found", { status: 404 });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  await resetDatabase();
  operator = (await initializeSignet({ adminEmail: "ops@example.com", adminPassword: "pw-123456789" })).operatorToken;
  const res = await call(H(registerOrg), { json: { name: "Acme Plugins", slug: "acme", pluginIdPrefix: "com.acme.", admin: { email: "admin@acme.test", password: "acme-password-1" } } });
  orgAdmin = ((await res.json()) as { token: string }).token;
  base = await serve();
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("audit checkpoints", () => {
  it("publishes a checkpoint of the head to anyone, signed over the documented bytes (checked by openssl and python-cryptography)", async () => {
    const cp = await checkpoint();
    const head = await (await db()).auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(cp).toMatchObject({ seq: head.seq.toString(), headHash: head.hash });
    expect(cp.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const key = (await (await call(H(getCheckpointKey), { url: "http://localhost:3999/audit/checkpoint/key" })).json()) as { keyId: string; algorithm: string; publicKeyPem: string };
    expect(key).toMatchObject({ keyId: cp.keyId, algorithm: "Ed25519" });
    const pem = await (await call(H(getCheckpointKey), { url: "http://localhost:3999/audit/checkpoint/key?format=pem" })).text();
    expect(pem).toBe(key.publicKeyPem);

    // The documented layout, written out by hand here rather than by the code under test.
    const message = `signet-audit-checkpoint/v1\n${cp.seq}\n${cp.headHash}\n${cp.time}\n${cp.keyId}\n`;
    expect(checkpointSignedBytes(cp).toString("utf8")).toBe(message);
    fs.writeFileSync(path.join(dir, "key.pem"), pem);
    fs.writeFileSync(path.join(dir, "msg"), message);
    fs.writeFileSync(path.join(dir, "sig"), Buffer.from(cp.signature, "base64"));
    const run = (cmd: string, args: string[]) => new Promise<{ code: number; out: string }>((resolve) => execFile(cmd, args, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, out: `${stdout}${stderr}` })));
    const openssl = await run("openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", path.join(dir, "key.pem"), "-rawin", "-in", path.join(dir, "msg"), "-sigfile", path.join(dir, "sig")]);
    expect(openssl.out).toContain("Signature Verified Successfully");
    const py = [
      "import sys, base64, json",
      "from cryptography.hazmat.primitives.serialization import load_pem_public_key",
      "cp = json.loads(sys.argv[2])",
      "msg = ('signet-audit-checkpoint/v1\\n%s\\n%s\\n%s\\n%s\\n' % (cp['seq'], cp['headHash'], cp['time'], cp['keyId'])).encode()",
      "load_pem_public_key(open(sys.argv[1], 'rb').read()).verify(base64.b64decode(cp['signature']), msg)",
      "print('ok')",
    ].join("\n");
    expect(await run("python3", ["-c", py, path.join(dir, "key.pem"), JSON.stringify(cp)])).toMatchObject({ code: 0, out: "ok\n" });
    const altered = { ...cp, seq: String(BigInt(cp.seq) + 1n) };
    expect((await run("python3", ["-c", py, path.join(dir, "key.pem"), JSON.stringify(altered)])).code).toBe(1);
  });

  it("adds no row while the head stands still, keeps a history by seq, and answers bad seqs with 4xx", async () => {
    const client = await db();
    const first = await checkpoint();
    const rows = await client.auditCheckpoint.count();
    expect(await checkpoint()).toEqual(first);
    expect(await client.auditCheckpoint.count()).toBe(rows);
    const bySeq = await call(H(getCheckpoint), { url: `http://localhost:3999/audit/checkpoint?seq=${first.seq}` });
    expect(await bySeq.json()).toEqual(first);
    expect((await call(H(getCheckpoint), { url: "http://localhost:3999/audit/checkpoint?seq=99999999" })).status).toBe(404);
    for (const bad of ["abc", "-1", "99999999999999999999999"]) {
      const res = await call(H(getCheckpoint), { url: `http://localhost:3999/audit/checkpoint?seq=${bad}` });
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
  });

  it("signs with a key the database does not hold: no row holds the key or its seed", async () => {
    const { privateKey } = derivedKeyPair("audit-checkpoint");
    const seed = Buffer.from(privateKey.export({ format: "jwk" }).d!, "base64url");
    const client = await db();
    const asText = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
    const dump = asText(await client.auditCheckpoint.findMany()) + asText(await client.setting.findMany()) + asText(await client.managedKey.findMany()) + asText(await client.auditEvent.findMany());
    for (const form of [seed.toString("hex"), seed.toString("base64"), seed.toString("base64url")]) expect(dump).not.toContain(form);
  });

  it("catches deleting the newest events, which the chain alone does not (API function, CLI on the database, CLI over HTTP)", async () => {
    await addEvents();
    const saved = await checkpoint();
    const file = path.join(dir, "saved.json");
    fs.writeFileSync(file, JSON.stringify(saved));
    await addEvents();
    const client = await db();
    expect(await verifyAuditChain(client, { checkpoint: { seq: BigInt(saved.seq), headHash: saved.headHash } })).toMatchObject({ valid: true, checkpoint: { extended: true } });
    const ok = await cliHttp(["--checkpoint", file]);
    expect(ok.code, ok.out + ok.err).toBe(0);
    expect(ok.out).toContain(`It extends the checkpoint of event ${saved.seq}`);

    await client.$executeRawUnsafe(`DELETE FROM audit_event WHERE seq >= ${BigInt(saved.seq) - 1n}`);
    expect((await verifyAuditChain(client)).valid).toBe(true); // the hole this closes
    const report = await verifyAuditChain(client, { checkpoint: { seq: BigInt(saved.seq), headHash: saved.headHash } });
    expect(report).toMatchObject({ valid: false, checkpoint: { extended: false } });
    expect(report.problem).toMatch(/before the checkpoint's event \d+: the newest events were deleted/);

    const viaHttp = await cliHttp(["--checkpoint", file, "--key", path.join(dir, "key.pem")]);
    expect(viaHttp.code).toBe(1);
    expect(viaHttp.out).toContain("the newest events were deleted");
    if (process.env.DATABASE_URL) {
      const direct = await cli(["audit", "verify", "--checkpoint", file]);
      expect(direct.code).toBe(1);
      expect(direct.out).toContain("the newest events were deleted");
    }
  }, 120_000);

  it("catches an edited event whose later hashes were all recomputed", async () => {
    await addEvents();
    await addEvents();
    const saved = await checkpoint();
    const file = path.join(dir, "saved2.json");
    fs.writeFileSync(file, JSON.stringify(saved));
    await addEvents();
    const client = await db();
    const target = await client.auditEvent.findFirstOrThrow({ where: { action: "org.registered", seq: { lt: BigInt(saved.seq) } }, orderBy: { seq: "desc" } });
    await rewriteFrom(target.seq, { name: "Evil" });
    expect((await verifyAuditChain(client)).valid).toBe(true); // the hole this closes
    const report = await verifyAuditChain(client, { checkpoint: { seq: BigInt(saved.seq), headHash: saved.headHash } });
    expect(report).toMatchObject({ valid: false, brokenAt: saved.seq });
    expect(report.problem).toContain("history up to it was rewritten");
    const viaHttp = await cliHttp(["--checkpoint", file]);
    expect(viaHttp.code).toBe(1);
    expect(viaHttp.out).toContain(`BROKEN at event ${saved.seq}`);
    if (process.env.DATABASE_URL) expect((await cli(["audit", "verify", "--checkpoint", file])).code).toBe(1);
  }, 120_000);

  it("`signet audit checkpoint --out FILE` saves one that `signet audit verify --checkpoint` accepts", async () => {
    const file = path.join(dir, "from-cli.json");
    const saved = await cli(["audit", "checkpoint", "--url", base, "--out", file]);
    expect(saved.code, saved.err).toBe(0);
    const cp = JSON.parse(fs.readFileSync(file, "utf8")) as Checkpoint;
    expect(cp.seq).toBe((await (await db()).auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } })).seq.toString());
    await addEvents();
    const ok = await cliHttp(["--checkpoint", file, "--json"]);
    expect(ok.code, ok.out + ok.err).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ valid: true, checkpoint: { seq: cp.seq, extended: true } });
  }, 120_000);

  it("`signet audit verify` and `audit checkpoint` on an embedded database exit by themselves (PGlite is closed)", async () => {
    const own = { DATABASE_URL: "", SIGNET_DATA_DIR: path.join(dir, "own-embedded"), SIGNET_MASTER_KEY: "" };
    const verified = await cli(["audit", "verify"], own);
    expect(verified.code, verified.out + verified.err).toBe(0);
    expect(verified.out).toContain("Audit chain intact: 0 events verified");
    const empty = await cli(["audit", "checkpoint"], own);
    expect(empty.code).toBe(1);
    expect(empty.err).toContain("The audit log is empty");
  }, 120_000);

  it.skipIf(Boolean(process.env.DATABASE_URL))("with the embedded database held by a running server, `signet audit verify` reads that server over HTTP", async () => {
    // This test process holds PGlite; a server lock naming it (live pid) and the test server is what `npm start` leaves.
    const { serverLockPath } = await import("@/lib/server/startup/server-lock");
    fs.writeFileSync(serverLockPath(), JSON.stringify({ pid: process.pid, url: base, startedAt: new Date().toISOString() }));
    try {
      const file = path.join(dir, "held.json");
      fs.writeFileSync(file, JSON.stringify(await checkpoint()));
      const res = await cli(["audit", "verify", "--checkpoint", file], { SIGNET_TOKEN: operator });
      expect(res.code, res.out + res.err).toBe(0);
      expect(res.out).toContain(`note: read the audit log from ${base}`);
    } finally {
      fs.rmSync(serverLockPath(), { force: true });
    }
  }, 120_000);

  it("refuses a checkpoint that is not signed by the store's key, and a malformed one (exit 1 / 2)", async () => {
    const cp = await checkpoint();
    const forged = path.join(dir, "forged.json");
    fs.writeFileSync(forged, JSON.stringify({ ...cp, headHash: "ab".repeat(32) }));
    const refused = await cliHttp(["--checkpoint", forged]);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain("Audit checkpoint REFUSED: the checkpoint's signature does not verify");
    const junk = path.join(dir, "junk.json");
    fs.writeFileSync(junk, "{\"seq\": 1}");
    const malformed = await cliHttp(["--checkpoint", junk]);
    expect(malformed.code).toBe(2);
    expect(malformed.err).toMatch(/headHash is missing or malformed|seq is missing or malformed/);
    const noToken = await cli(["audit", "verify", "--url", base], { SIGNET_TOKEN: "" });
    expect(noToken.code).toBe(2);
    expect(noToken.err).toContain("SIGNET_TOKEN");
  }, 120_000);
});

describe("failed and denied actions leave audit events", () => {
  const events = async (action: string) => (await db()).auditEvent.findMany({ where: { action }, orderBy: { seq: "asc" } });

  it("records a wrong setup token once (not again by the route wrapper), without the token", async () => {
    await issueSetupToken();
    const res = await call(H(setup), { json: { setupToken: "wrong-token-123", adminEmail: "x@example.com", adminPassword: "pw-123456789" } });
    expect(res.status).toBe(403);
    const rejected = await events("setup.token_rejected");
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ outcome: "denied", actorLabel: "anonymous" });
    expect(JSON.stringify(rejected[0].details)).not.toContain("wrong-token-123");
    expect(await events("http.forbidden")).toHaveLength(0);
  });

  it("records 403s with the actor, and 409s as failures", async () => {
    expect((await call(H(listAudit), { token: orgAdmin })).status).toBe(403);
    const [denied] = await events("http.forbidden");
    expect(denied).toMatchObject({ outcome: "denied", actorLabel: "admin@acme.test", subjectId: "GET /api/test" });
    const res = await call(H(registerOrg), { json: { name: "Acme again", slug: "acme", pluginIdPrefix: "com.acme2.", admin: { email: "b@acme.test", password: "acme-password-1" } } });
    expect(res.status).toBe(409);
    const [failed] = await events("http.conflict");
    expect(failed).toMatchObject({ outcome: "failure", actorLabel: "anonymous" });
    expect(failed.details).toMatchObject({ status: 409, code: "conflict" });
    expect(JSON.stringify(failed.details)).not.toContain("acme-password-1");
  });

  it("records a refused sign-in (better-auth after hook), and the refusal is unchanged", async () => {
    const res = await call(H(authHandler), { url: "http://localhost:3999/api/auth/sign-in/email", json: { email: "ops@example.com", password: "not-the-password" }, headers: { origin: "http://localhost:3999" } });
    expect(res.status).toBe(401);
    const refused = await events("auth.sign_in_refused");
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ outcome: "denied" });
    expect(refused[0].details).toMatchObject({ email: "ops@example.com", path: "/sign-in/email", status: 401 });
    expect(JSON.stringify(refused[0].details)).not.toContain("not-the-password");
    const ok = await call(H(authHandler), { url: "http://localhost:3999/api/auth/sign-in/email", json: { email: "ops@example.com", password: "pw-123456789" }, headers: { origin: "http://localhost:3999" } });
    expect(ok.status).toBe(200);
    expect(await events("auth.sign_in_refused")).toHaveLength(1);
  });

  it("bounds an anonymous flood: a fixed number of events a minute, then one event with the count", async () => {
    const before = (await events("setup.token_rejected")).length;
    for (let i = 0; i < 100; i++) {
      const res = await call(H(setup), { json: { setupToken: `guess-${i}`, adminEmail: "x@example.com", adminPassword: "pw-123456789" } });
      expect(res.status).toBe(403);
    }
    expect((await events("setup.token_rejected")).length - before).toBe(RECORD_PER_WINDOW - before);
    await flushSuppressedDenials(Date.now() + DENIAL_WINDOW_MS + 1);
    const [summary] = await events("audit.denials_suppressed");
    expect(summary.details).toMatchObject({ action: "setup.token_rejected", count: 100 - (RECORD_PER_WINDOW - before) });
    expect((await verifyAuditChain(await db())).valid).toBe(true);
  });
});
