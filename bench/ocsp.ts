// OCSP throughput and latency: Signet's production server (`npm start`) against `openssl ocsp
// -index` as a responder, on the same number of certificates, the same key type (P-256 delegated
// responder), driven by the same load generator (wrk, POST, keep-alive where the server allows);
// each with one process and with one per core (SIGNET_WORKERS, `openssl ocsp -multi`).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { table } from "./measure";
import { benchDataDir, freshBenchDatabase, seedStore } from "./seed-pki";

const CERTS = 200;
const DURATION = "10s";
// BENCH_OCSP_REQUESTS: fewer for a quick look on a busy machine.
const AB_REQUESTS = Number(process.env.BENCH_OCSP_REQUESTS ?? 60_000);
const ROOT = path.resolve(import.meta.dirname, "..");
// BENCH_PORT and the next one: Signet and the OpenSSL peer.
const PORT = Number(process.env.BENCH_PORT ?? 3710);
const CORES = os.availableParallelism();

export type WrkResult = { rps: number; p50ms: number; p99ms: number; non2xx: number; errors: number };
export type OcspRow = { responder: string; generator: "ab" | "wrk"; connections: number } & WrkResult;

function wrk(url: string, bodiesDir: string, connections: number): WrkResult {
  const script = path.join(bodiesDir, "post.lua");
  const out = execFileSync("wrk", ["-t", "2", "-c", String(connections), "-d", DURATION, "--latency", "-s", script, url], { encoding: "utf8", env: { ...process.env, OCSP_BODIES: bodiesDir } });
  const ms = (label: string) => {
    const m = new RegExp(`${label}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!m) throw new Error(`wrk output without ${label}%: ${out}`);
    return Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 } as const)[m[2] as "us" | "ms" | "s"];
  };
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]),
    p50ms: ms("50"),
    p99ms: ms("99"),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    errors: Number(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)?.slice(1).reduce((a, b) => a + Number(b), 0) ?? 0),
  };
}

/**
 * ApacheBench, the generator both responders can be driven by: `openssl ocsp` answers HTTP/1.0 and
 * closes every connection, which wrk cannot drive (it reports 0 requests). -k asks for keep-alive;
 * OpenSSL declines it, Signet accepts it. Latency percentiles are whole milliseconds.
 */
function ab(url: string, body: string, connections: number, requests: number): WrkResult {
  const out = execFileSync("ab", ["-q", "-k", "-s", "10", "-n", String(requests), "-c", String(connections), "-p", body, "-T", "application/ocsp-request", url], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const pct = (p: number) => Number(new RegExp(`\\s${p}%\\s+(\\d+)`).exec(out)?.[1] ?? NaN);
  // ab counts answers whose length differs from the first as "failed": ECDSA signatures vary by a
  // byte or two, so only exceptions and non-2xx count as errors here.
  const exceptions = /Exceptions: (\d+)/.exec(out)?.[1] ?? "0";
  return {
    rps: Number(/Requests per second:\s+([\d.]+)/.exec(out)![1]),
    p50ms: pct(50),
    p99ms: pct(99),
    non2xx: Number(/Non-2xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
    errors: Number(exceptions) + Number(/Failed requests:\s+\d+\s*\n\s*\(Connect: (\d+)/.exec(out)?.[1] ?? 0),
  };
}

/** A wrk script that POSTs the request bodies in turn (binary-safe: Lua strings are bytes). */
function writeWrkScript(dir: string, bodies: Buffer[]): void {
  bodies.forEach((b, i) => fs.writeFileSync(path.join(dir, `req-${i}.der`), b));
  fs.writeFileSync(
    path.join(dir, "post.lua"),
    `local bodies = {}
for i = 0, ${bodies.length - 1} do
  local f = assert(io.open("${dir}/req-" .. i .. ".der", "rb")); bodies[#bodies + 1] = f:read("*a"); f:close()
end
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", nil, { ["Content-Type"] = "application/ocsp-request" }, bodies[(n % #bodies) + 1])
end
`,
  );
}

function ocspRequest(dir: string, issuer: string, serialHex: string): Buffer {
  const out = path.join(dir, `q-${serialHex}.der`);
  execFileSync("openssl", ["ocsp", "-issuer", issuer, "-serial", `0x${serialHex}`, "-no_nonce", "-reqout", out]);
  return fs.readFileSync(out);
}

/** Polls `url` until it answers 2xx (a server starting up). */
export async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The peer: an OpenSSL CA with a P-256 delegated responder and an index of CERTS certificates. */
function opensslResponder(dir: string, port: number, processes: number): { child: ChildProcess; bodies: Buffer[] } {
  const p = (f: string) => path.join(dir, f);
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", p("peer-ca.key"), "-out", p("peer-ca.pem"), "-subj", "/O=Peer/CN=Peer CA", "-days", "30"]);
  execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", p("peer-ocsp.key"), "-out", p("peer-ocsp.csr"), "-subj", "/CN=Peer OCSP"]);
  fs.writeFileSync(p("ocsp.ext"), "extendedKeyUsage=OCSPSigning\nkeyUsage=critical,digitalSignature\n");
  execFileSync("openssl", ["x509", "-req", "-in", p("peer-ocsp.csr"), "-CA", p("peer-ca.pem"), "-CAkey", p("peer-ca.key"), "-CAcreateserial", "-days", "7", "-extfile", p("ocsp.ext"), "-out", p("peer-ocsp.pem")]);
  const lines: string[] = [];
  const bodies: Buffer[] = [];
  const serials: string[] = [];
  for (let i = 0; i < CERTS; i++) {
    const serial = crypto.randomBytes(16);
    serial[0] = (serial[0] & 0x7f) | 0x01;
    const hex = serial.toString("hex").toUpperCase();
    const revoked = i % 10 === 0;
    lines.push(`${revoked ? "R" : "V"}\t301231000000Z\t${revoked ? "260101000000Z,keyCompromise" : ""}\t${hex}\tunknown\t/CN=p${i}\n`);
    if (i < 20) bodies.push(ocspRequest(dir, p("peer-ca.pem"), hex));
  }
  fs.writeFileSync(p("index.txt"), lines.join(""));
  const multi = processes > 1 ? ["-multi", String(processes)] : [];
  const child = spawn("openssl", ["ocsp", "-index", p("index.txt"), "-port", String(port), "-rsigner", p("peer-ocsp.pem"), "-rkey", p("peer-ocsp.key"), "-CA", p("peer-ca.pem"), "-nmin", "60", ...multi], { stdio: "ignore", detached: true });
  return { child, bodies };
}

export async function benchOcsp(): Promise<{ rows: OcspRow[]; markdown: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-bench-ocsp-"));
  benchDataDir();
  const env = { ...process.env, PORT: String(PORT), NODE_ENV: "production" as const };
  await freshBenchDatabase();
  const store = await seedStore();
  fs.writeFileSync(path.join(dir, "org.pem"), store.orgCaPem);
  fs.writeFileSync(path.join(dir, "root.pem"), store.rootPem);
  // CERTS plugin certificates through the real workflow, one in ten revoked.
  const { db, closeDb } = await import("../lib/db");
  const { principalForUser } = await import("../lib/server/auth/resolve-principal");
  const { requestPluginCert } = await import("../lib/server/requests/request-plugin-cert");
  const { approveRequest } = await import("../lib/server/requests/approve-request");
  const { revokeCertificate } = await import("../lib/server/certificates/revoke-certificate");
  const client = await db();
  const admin = await principalForUser(client, (await client.user.findFirstOrThrow({ where: { email: "admin@bench.test" } })).id, "token");
  execFileSync("openssl", ["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", path.join(dir, "p.key"), "-out", path.join(dir, "p.csr"), "-subj", "/CN=x"], { stdio: "ignore" });
  const csrPem = fs.readFileSync(path.join(dir, "p.csr"), "utf8");
  const bodies: Buffer[] = [];
  const serials: string[] = [];
  for (let i = 0; i < CERTS; i++) {
    const { request } = await requestPluginCert(admin, "bench", { pluginId: `com.bench.p${i}`, csrPem });
    const { certificate } = await approveRequest(admin, request.id);
    if (i % 10 === 0) await revokeCertificate(admin, certificate.serial, { reason: "keyCompromise" });
    if (i < 20) bodies.push(ocspRequest(dir, path.join(dir, "org.pem"), certificate.serial));
    serials.push(certificate.serial);
  }
  await closeDb();

  const rows: OcspRow[] = [];
  const signetDir = fs.mkdtempSync(path.join(dir, "signet-"));
  writeWrkScript(signetDir, bodies);
  const url = `http://127.0.0.1:${PORT}/ocsp`;
  for (const workers of [...new Set([1, CORES])]) {
    const label = workers === 1 ? "Signet (1 worker)" : `Signet (${workers} workers, one per core)`;
    const server = spawn(process.execPath, [path.join(ROOT, "scripts", "start.mjs")], { cwd: ROOT, env: { ...env, SIGNET_WORKERS: String(workers) }, stdio: ["ignore", "ignore", "inherit"] });
    try {
      await waitFor(`http://127.0.0.1:${PORT}/api/v1/health`, 600_000);
      // Every worker answers (each pre-signs on its first requests), then one answer checked by OpenSSL.
      wrk(url, signetDir, 4 * workers);
      const sample = execFileSync("openssl", ["ocsp", "-issuer", path.join(dir, "org.pem"), "-serial", `0x${serials[1]}`, "-no_nonce", "-url", url, "-CAfile", path.join(dir, "root.pem")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      if (!/: good/.test(sample)) throw new Error(`Signet's OCSP answer did not verify: ${sample}`);
      for (const c of [16, 4]) rows.push({ responder: label, generator: "ab", connections: c, ...ab(url, path.join(signetDir, "req-1.der"), c, AB_REQUESTS) });
      for (const c of [16, 4]) rows.push({ responder: label, generator: "wrk", connections: c, ...wrk(url, signetDir, c) });
    } finally {
      server.kill("SIGTERM");
      await new Promise((r) => (server.exitCode !== null ? r(null) : server.once("exit", r)));
    }
  }

  for (const processes of [...new Set([1, CORES])]) {
    const peerDir = fs.mkdtempSync(path.join(dir, "peer-"));
    const peer = opensslResponder(peerDir, PORT + 1, processes);
    writeWrkScript(peerDir, peer.bodies);
    const label = processes === 1 ? "openssl ocsp -index (1 process)" : `openssl ocsp -index -multi ${processes}`;
    try {
      await new Promise((r) => setTimeout(r, 1000));
      for (const c of [16, 4]) {
        // ab gives up (apr_pollset_poll timeout) when a responder stalls: a row saying so, not a lost run.
        try {
          rows.push({ responder: label, generator: "ab", connections: c, ...ab(`http://127.0.0.1:${PORT + 1}/`, path.join(peerDir, "req-1.der"), c, AB_REQUESTS) });
        } catch (err) {
          console.error(`[bench] ${label}, ${c} connections: ${(err as Error).message.split("\n")[0]}`);
          rows.push({ responder: label, generator: "ab", connections: c, rps: Number.NaN, p50ms: Number.NaN, p99ms: Number.NaN, non2xx: 0, errors: 1 });
        }
      }
    } finally {
      // `openssl ocsp -multi` leaves its children behind on SIGTERM to the parent alone: the whole group goes.
      try {
        process.kill(-peer.child.pid!, "SIGKILL");
      } catch {
        peer.child.kill("SIGKILL");
      }
      await new Promise((r) => (peer.child.exitCode !== null || peer.child.signalCode !== null ? r(null) : peer.child.once("exit", r)));
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });

  // The ratios compare like with like: both responders under the same generator (ab), same process count.
  const best = (label: string) => Math.max(...rows.filter((r) => r.generator === "ab" && r.responder === label && Number.isFinite(r.rps)).map((r) => r.rps));
  const ratio = (signet: string, peer: string) => (best(signet) / best(peer)).toFixed(2);
  const ratios = [`one process each: ${ratio("Signet (1 worker)", "openssl ocsp -index (1 process)")}×`];
  if (CORES > 1) {
    ratios.push(`one per core each (${CORES}): ${ratio(`Signet (${CORES} workers, one per core)`, `openssl ocsp -index -multi ${CORES}`)}×`);
    ratios.push(`Signet ${CORES} workers / 1 worker: ${ratio(`Signet (${CORES} workers, one per core)`, "Signet (1 worker)")}×`);
  }
  const markdown = `${table(
    ["responder", "load generator", "connections", "requests/s", "p50 (ms)", "p99 (ms)", "non-2xx", "errors"],
    rows.map((r) => [r.responder, r.generator, r.connections, r.rps, r.p50ms, r.p99ms, r.non2xx, r.errors]),
  )}\n\nThroughput ratios under ab (best Signet / best OpenSSL): ${ratios.join("; ")}`;
  return { rows, markdown };
}
