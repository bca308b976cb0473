// Two `npm start` instances on one PostgreSQL database, each with its own data dir (as two hosts
// would have), behind Debian's nginx (round robin, configuration written here): an org registered,
// approved and signing through one, its archive downloaded from the other and through nginx; a
// revocation through one seen revoked by the other's OCSP and CRL within 1 s; rate limits (archive
// verification, sign-in) counted across both, and a session opened on one good on the other; one CRL catch-up run per interval in total, which moves to the survivor when the
// instance running it stops. The first run builds the console (minutes); later runs reuse it.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { parseOcspResponse } from "@/lib/pki/ocsp/parse-ocsp-response";
import { pluginEntries, zipTo } from "@/lib/pki/jpl/test-fixtures";
import { toPem } from "@/lib/pki/certificate/pem";
import { masterKey } from "@/lib/server/keys/master-key";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { resetDatabase } from "./helpers";
import { alive, freePort } from "./processes";

const onServer = Boolean(process.env.DATABASE_URL);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CATCH_UP_MS = 2_000;
const SIGN_INS_PER_MINUTE = 6;

type Instance = { name: string; port: number; dataDir: string; child: ChildProcess; output: () => string; url: string };

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(5_000), headers: { connection: "close" } });
    return res.status === 200;
  } catch {
    return false;
  }
}

async function startInstance(name: string, root: string): Promise<Instance> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(root, `${name}-`));
  let output = "";
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    env: {
      ...process.env,
      PORT: String(port),
      SIGNET_HOST: "127.0.0.1",
      SIGNET_DATA_DIR: dataDir,
      SIGNET_PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: process.env.DATABASE_URL!,
      SIGNET_WORKERS: "1",
      // One store: the same master key on every instance (and in this test process, which seeds).
      SIGNET_MASTER_KEY: masterKey().toString("base64"),
      SIGNET_CRL_CATCH_UP_MS: String(CATCH_UP_MS),
      SIGNET_SIGN_IN_PER_MINUTE: String(SIGN_INS_PER_MINUTE),
      NODE_ENV: "production",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20 * 60_000;
  while (!(await healthy(url))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`instance ${name} did not come up:\n${output.slice(-4000)}`);
    await sleep(1_000);
  }
  return { name, port, dataDir, child, output: () => output, url };
}

const workerPids = (output: string) => [...new Set([...output.matchAll(/worker (\d+) \(slot \d+\) ready/g)].map((m) => Number(m[1])))];

function startNginx(dir: string, port: number, upstreams: number[]): ChildProcess {
  const conf = path.join(dir, "nginx.conf");
  fs.writeFileSync(
    conf,
    `${process.getuid?.() === 0 ? "user root root;\n" : ""}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
daemon off;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream signet { ${upstreams.map((p) => `server 127.0.0.1:${p};`).join(" ")} }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 300m;
    location / {
      proxy_pass http://signet;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_request_buffering off;
      proxy_buffering off;
    }
  }
}
`,
  );
  return spawn(fs.existsSync("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx", ["-p", dir, "-c", conf], { stdio: ["ignore", "pipe", "pipe"] });
}

async function expectStatus<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}

const post = (url: string, token: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

describe.runIf(onServer)("two instances on one PostgreSQL behind nginx", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "signet-two-"));
  let a: Instance;
  let b: Instance;
  let nginx: ChildProcess;
  let lb = "";
  let operator = "";
  let orgAdmin = "";
  let orgCaId = "";
  let pluginSerial = "";
  const slug = "twin";
  const pluginId = "com.twin.signed";

  beforeAll(async () => {
    await resetDatabase();
    operator = (await initializeSignet({ adminEmail: "ops-two@example.com", adminPassword: "pw-123456789" })).operatorToken;
    // One after the other: the first builds the console if needed, the second finds it built.
    a = await startInstance("a", root);
    b = await startInstance("b", root);
    const lbPort = await freePort();
    const nginxDir = fs.mkdtempSync(path.join(root, "nginx-"));
    nginx = startNginx(nginxDir, lbPort, [a.port, b.port]);
    lb = `http://127.0.0.1:${lbPort}`;
    const until = Date.now() + 15_000;
    while (!(await healthy(lb))) {
      if (Date.now() > until || nginx.exitCode !== null) throw new Error(`nginx did not come up: ${fs.existsSync(path.join(nginxDir, "error.log")) ? fs.readFileSync(path.join(nginxDir, "error.log"), "utf8") : ""}`);
      await sleep(200);
    }
  }, 25 * 60_000);

  afterAll(async () => {
    nginx?.kill("SIGTERM");
    for (const inst of [a, b]) {
      if (!inst) continue;
      if (inst.child.exitCode === null) inst.child.kill("SIGKILL");
      for (const pid of workerPids(inst.output())) if (alive(pid)) process.kill(pid, "SIGKILL");
    }
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("registers, approves and signs on one instance; the other and nginx serve the signed archive", { timeout: 180_000 }, async () => {
    const from = { "x-forwarded-for": `10.2.${crypto.randomInt(255)}.${crypto.randomInt(255)}` };
    const email = "admin@twin.test";
    const reg = await expectStatus<{ request: { id: string }; token: string }>(
      await post(`${a.url}/api/v1/orgs`, undefined, { name: "Twin Plugins", slug, pluginIdPrefix: "com.twin.", admin: { email, password: "twin-password-1" }, token: true }, from),
      201,
    );
    orgAdmin = reg.token;
    // The contact-verification mail is in the file outbox of whichever instance delivered it.
    let link: string | undefined;
    const mailUntil = Date.now() + 60_000;
    while (!link && Date.now() < mailUntil) {
      for (const inst of [a, b]) {
        const dir = path.join(inst.dataDir, "outbox");
        for (const n of fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : []) {
          const m = JSON.parse(fs.readFileSync(path.join(dir, n), "utf8")) as { to: string; text: string };
          if (m.to === email) link = /\/verify-contact\/([A-Za-z0-9_-]{43})/.exec(m.text)?.[1] ?? link;
        }
      }
      if (!link) await sleep(500);
    }
    expect(link, "no contact-verification mail in either outbox").toBeDefined();
    await expectStatus(await post(`${lb}/api/v1/contact-verifications/${link}`, undefined, {}), 200);
    const approved = await expectStatus<{ caId: string }>(await post(`${b.url}/api/v1/requests/${reg.request.id}/approve`, operator, {}), 200);
    orgCaId = approved.caId;
    const certReq = await expectStatus<{ request: { id: string } }>(await post(`${a.url}/api/v1/orgs/${slug}/plugin-cert-requests`, orgAdmin, { pluginId }), 201);
    pluginSerial = (await expectStatus<{ certificate: { serial: string } }>(await post(`${b.url}/api/v1/requests/${certReq.request.id}/approve`, orgAdmin, {}), 200)).certificate.serial;

    const archive = await zipTo(path.join(root, "plugin.jpl"), pluginEntries(pluginId, "2.0.0"));
    const signedRes = await fetch(`${a.url}/api/v1/orgs/${slug}/plugins/${pluginId}/artifacts`, {
      method: "POST",
      headers: { authorization: `Bearer ${orgAdmin}`, "content-type": "application/zip" },
      body: new Uint8Array(fs.readFileSync(archive)),
    });
    const artifact = await expectStatus<{ id: string; sha256: string; downloadUrl: string; signatureUrl: string }>(signedRes, 201);
    // A's data dir holds no copy: the bytes are in the database.
    expect(fs.existsSync(path.join(a.dataDir, "artifacts")) ? fs.readdirSync(path.join(a.dataDir, "artifacts")) : []).toEqual([]);

    const rootRow = await (await db()).certificateAuthority.findFirstOrThrow({ where: { kind: "root" }, include: { certificate: true } });
    const rootPem = path.join(root, "root.pem");
    fs.writeFileSync(rootPem, toPem(rootRow.certificate!.der!, "CERTIFICATE"));
    // From B directly, then twice through nginx (round robin: both instances).
    for (const base of [b.url, lb, lb]) {
      const res = await fetch(`${base}${artifact.downloadUrl}`, { headers: { authorization: `Bearer ${orgAdmin}` } });
      expect(res.status, await res.clone().text().catch(() => "")).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(crypto.createHash("sha256").update(bytes).digest("hex")).toBe(artifact.sha256);
      const p7s = Buffer.from(await (await fetch(`${base}${artifact.signatureUrl}`)).arrayBuffer());
      const content = path.join(root, "downloaded.jpl");
      const sig = path.join(root, "downloaded.p7s");
      fs.writeFileSync(content, bytes);
      fs.writeFileSync(sig, p7s);
      // OpenSSL, not Signet, checks the detached signature over the downloaded bytes.
      execFileSync("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", sig, "-content", content, "-CAfile", rootPem, "-purpose", "any", "-out", "/dev/null"], { stdio: "pipe" });
    }
  });

  it("a revocation through one instance is revoked on the other's OCSP and CRL within 1 s", { timeout: 120_000 }, async () => {
    const caRow = await (await db()).certificateAuthority.findUniqueOrThrow({ where: { id: orgCaId }, include: { certificate: true } });
    const orgPem = path.join(root, "org.pem");
    fs.writeFileSync(orgPem, toPem(caRow.certificate!.der!, "CERTIFICATE"));
    const cert = await (await db()).certificate.findFirstOrThrow({ where: { serialHex: pluginSerial } });
    const certPem = path.join(root, "plugin.pem");
    fs.writeFileSync(certPem, toPem(cert.der!, "CERTIFICATE"));
    const reqFile = path.join(root, "ocsp.req");
    execFileSync("openssl", ["ocsp", "-issuer", orgPem, "-cert", certPem, "-no_nonce", "-reqout", reqFile]);
    const request = new Uint8Array(fs.readFileSync(reqFile));
    const ask = async (base: string) => {
      const res = await fetch(`${base}/ocsp`, { method: "POST", body: request, headers: { "content-type": "application/ocsp-request" } });
      const parsed = parseOcspResponse(Buffer.from(await res.arrayBuffer()));
      return parsed.basic ? parsed.basic.responses[0].status.kind : parsed.status;
    };
    // openssl reads a CRL only when its bytes change: the loop below then polls at the speed of HTTP.
    let lastDer = Buffer.alloc(0);
    let lastListed = false;
    let fetchedAt = 0;
    const crlLists = async (base: string) => {
      const der = Buffer.from(await (await fetch(`${base}/crl/${orgCaId}.crl`)).arrayBuffer());
      // When B served it, not when openssl (slow to start on a busy machine) finished reading it.
      fetchedAt = Date.now();
      if (!der.equals(lastDer)) {
        const text = execFileSync("openssl", ["crl", "-inform", "DER", "-noout", "-text"], { input: der }).toString();
        lastDer = der;
        lastListed = text.includes(`Serial Number: ${pluginSerial.toUpperCase()}`);
      }
      return lastListed;
    };
    // B holds a pre-signed "good" in memory, and its CRL does not list the certificate.
    expect(await ask(b.url)).toBe("good");
    expect(await ask(b.url)).toBe("good");
    expect(await crlLists(b.url)).toBe(false);

    await expectStatus(await post(`${a.url}/api/v1/certificates/${pluginSerial}/revoke`, orgAdmin, { reason: "keyCompromise" }), 200);
    const revokedAt = Date.now();
    let ocspAfter: number | undefined;
    let crlAfter: number | undefined;
    while ((ocspAfter === undefined || crlAfter === undefined) && Date.now() - revokedAt < 1_000) {
      if (ocspAfter === undefined && (await ask(b.url)) === "revoked") ocspAfter = Date.now() - revokedAt;
      if (crlAfter === undefined && (await crlLists(b.url))) crlAfter = fetchedAt - revokedAt;
    }
    console.log(`[test] instance B after a revocation through A: OCSP revoked after ${ocspAfter ?? "—"} ms, CRL lists it after ${crlAfter ?? "—"} ms`);
    expect(ocspAfter, "B's OCSP still answers good 1 s after the revocation").toBeDefined();
    expect(crlAfter, "B's CRL does not list the certificate 1 s after the revocation").toBeDefined();
  });

  it("counts rate limits across both instances, and a session opened on one works on the other", { timeout: 120_000 }, async () => {
    // /api/v1/verify: 60 a minute per client address. Alternating instances, each sees half.
    const from = { "x-forwarded-for": `10.3.${crypto.randomInt(255)}.${crypto.randomInt(255)}` };
    const verify = (base: string) => fetch(`${base}/api/v1/verify`, { method: "POST", headers: { "content-type": "application/zip", ...from }, body: new Uint8Array([1, 2, 3]) });
    // Start right after a window boundary, so that all requests fall into one window.
    const ms = Date.now() % 60_000;
    if (ms > 40_000) await sleep(60_000 - ms + 100);
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await verify(i % 2 === 0 ? a.url : b.url)).status);
    expect(statuses.filter((s) => s === 429)).toEqual([]);
    expect((await verify(a.url)).status).toBe(429);
    const refused = await verify(b.url);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);

    // Sign-in (better-auth's limiter, on the same shared counters): SIGN_INS_PER_MINUTE per address.
    const guesser = { "x-forwarded-for": `10.4.${crypto.randomInt(255)}.${crypto.randomInt(255)}` };
    const signIn = (inst: Instance, password: string, headers: Record<string, string>) =>
      fetch(`${inst.url}/api/auth/sign-in/email`, { method: "POST", headers: { origin: inst.url, "content-type": "application/json", ...headers }, body: JSON.stringify({ email: "admin@twin.test", password }) });
    const guesses: number[] = [];
    for (let i = 0; i < SIGN_INS_PER_MINUTE; i++) guesses.push((await signIn(i % 2 === 0 ? a : b, "wrong-password-1", guesser)).status);
    expect(guesses.every((s) => s === 401), guesses.join(",")).toBe(true);
    expect((await signIn(a, "wrong-password-1", guesser)).status).toBe(429);
    expect((await signIn(b, "twin-password-1", guesser)).status).toBe(429);
    // From another address the right password works, and the session it opens on A is good on B.
    const session = await signIn(a, "twin-password-1", { "x-forwarded-for": `10.5.${crypto.randomInt(255)}.${crypto.randomInt(255)}` });
    expect(session.status, await session.clone().text()).toBe(200);
    const cookie = session.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const onB = await expectStatus<{ user?: { email: string } } | null>(await fetch(`${b.url}/api/auth/get-session`, { headers: { cookie } }), 200);
    expect(onB?.user?.email).toBe("admin@twin.test");
  });

  it("runs the CRL catch-up once per interval in total, and on the survivor when the other stops", { timeout: 120_000 }, async () => {
    const lease = async () => (await (await db()).jobLease.findUniqueOrThrow({ where: { name: "crl-catch-up" } }));
    const before = await lease();
    const startedAt = Date.now();
    await sleep(10_000);
    const after = await lease();
    const intervals = (Date.now() - startedAt) / CATCH_UP_MS;
    const runs = after.runs - before.runs;
    console.log(`[test] crl-catch-up: ${runs} runs in ${intervals.toFixed(1)} intervals (two instances ticking)`);
    // Both ticking without the lease would run it about twice per interval.
    expect(runs).toBeGreaterThanOrEqual(Math.floor(intervals) - 1);
    expect(runs).toBeLessThanOrEqual(Math.ceil(intervals) + 1);

    // Stop whichever instance ran it last; the other takes over.
    const holderPid = Number(after.holder!.split(":")[1]);
    const [stopped, survivor] = workerPids(a.output()).includes(holderPid) ? [a, b] : [b, a];
    stopped.child.kill("SIGTERM");
    await new Promise((r) => (stopped.child.exitCode !== null ? r(null) : stopped.child.once("exit", r)));
    const atStop = await lease();
    await sleep(4 * CATCH_UP_MS + 1_000);
    const later = await lease();
    expect(later.runs).toBeGreaterThan(atStop.runs);
    expect(workerPids(survivor.output())).toContain(Number(later.holder!.split(":")[1]));
  });
});

describe.skipIf(onServer)("two instances (embedded database)", () => {
  it.skip("runs against the PostgreSQL server only (set DATABASE_URL): PGlite admits one process", () => {});
});
