// The production server as `npm start` runs it (build if needed, supervisor, Next worker), under
// umask 000: a worker killed with SIGKILL is back within 10 s by itself and OCSP answers again (with
// two workers on a PostgreSQL server, throughout), a request that stalls in its headers or body is
// closed by the server, a cut-off upload leaves no file, the data dir is private, and SIGTERM stops
// everything. The first run builds the console (minutes); later runs and the e2e suite reuse it.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { parseOcspResponse } from "@/lib/pki/ocsp/parse-ocsp-response";
import { masterKey } from "@/lib/server/keys/master-key";
import { issuePlugin, seedRevocationHierarchy } from "./ocsp-seed";
import { expectPrivate } from "./private-files";
import { alive, freePort } from "./processes";

const onServer = Boolean(process.env.DATABASE_URL);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STALL_MS = 3_000;


/** Worker pids the supervisor reported ready that are still running (not, say, tsx's esbuild helper). */
const workersIn = (output: string) => [...new Set([...output.matchAll(/worker (\d+) \(slot \d+\) ready/g)].map((m) => Number(m[1])))].filter(alive);

/** Sends `head` (and `body`) on a raw socket and never more; resolves with what came back once the server closes it. */
function stallingRequest(port: number, head: string, body?: Buffer): Promise<{ closedAfterMs: number; reply: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.write(head);
      if (body) socket.write(body);
    });
    let reply = "";
    socket.on("data", (d) => (reply += d.toString("latin1")));
    socket.on("error", () => {});
    socket.on("close", () => resolve({ closedAfterMs: Date.now() - started, reply }));
    setTimeout(() => {
      socket.destroy();
      reject(new Error("the server kept the stalled request open for 60 s"));
    }, 60_000);
  });
}

/** An OCSP POST with a body that is not an OCSP request: the answer is malformedRequest (RFC 6960 §2.3) at HTTP 200. */
async function ocspAnswers(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/ocsp`, {
      method: "POST",
      body: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]),
      headers: { "content-type": "application/ocsp-request", connection: "close" },
      signal: AbortSignal.timeout(2_000),
    });
    const der = Buffer.from(await res.arrayBuffer());
    return res.status === 200 && res.headers.get("content-type") === "application/ocsp-response" && der.length > 0 && der[0] === 0x30;
  } catch {
    return false;
  }
}

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`, { signal: AbortSignal.timeout(5_000), headers: { connection: "close" } });
    return res.status === 200;
  } catch {
    return false;
  }
}

describe("production server (npm start)", () => {
  let child: ChildProcess;
  let port = 0;
  let dataDir = "";
  let output = "";
  let exited: Promise<number | null>;

  beforeAll(async () => {
    port = await freePort();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-prod-"));
    child = spawn("sh", ["-c", 'umask 000 && exec "$0" scripts/start.mjs', process.execPath], {
      env: {
        ...process.env,
        PORT: String(port),
        SIGNET_DATA_DIR: dataDir,
        SIGNET_PUBLIC_URL: `http://127.0.0.1:${port}`,
        DATABASE_URL: onServer ? process.env.DATABASE_URL! : "",
        SIGNET_WORKERS: onServer ? "2" : "",
        // On the shared PostgreSQL server this process and the server are two instances of one store.
        SIGNET_MASTER_KEY: onServer ? masterKey().toString("base64") : "",
        SIGNET_HEADERS_TIMEOUT_MS: String(STALL_MS),
        SIGNET_BODY_IDLE_TIMEOUT_MS: String(STALL_MS),
        NODE_ENV: "production",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    exited = new Promise((r) => child.once("exit", (code) => r(code)));
    const deadline = Date.now() + 20 * 60_000;
    while (!(await healthy(port))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the server did not come up:\n${output.slice(-4000)}`);
      await sleep(1_000);
    }
    // Every worker up (two on a PostgreSQL server).
    while ((output.match(/\(slot \d+\) ready/g) ?? []).length < (onServer ? 2 : 1)) await sleep(200);
  }, 21 * 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    for (const pid of workersIn(output)) process.kill(pid, "SIGKILL");
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("closes a request whose body stops short of its Content-Length, and leaves no upload file", { timeout: 60_000 }, async () => {
    const head = `POST /api/v1/verify HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/zip\r\nContent-Length: 10000000\r\n\r\n`;
    const { closedAfterMs } = await stallingRequest(port, head, Buffer.alloc(100_000, 1));
    expect(closedAfterMs).toBeGreaterThanOrEqual(STALL_MS - 500);
    expect(closedAfterMs).toBeLessThan(STALL_MS + 10_000);
    const tmp = path.join(dataDir, "tmp");
    const deadline = Date.now() + 10_000;
    while (fs.existsSync(tmp) && fs.readdirSync(tmp).length > 0 && Date.now() < deadline) await sleep(100);
    expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
    expect(await healthy(port)).toBe(true);
  });

  it("closes a request whose headers never end", { timeout: 60_000 }, async () => {
    const { closedAfterMs, reply } = await stallingRequest(port, `GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `);
    expect(closedAfterMs).toBeLessThan(STALL_MS + 10_000);
    expect(reply === "" || reply.startsWith("HTTP/1.1 408")).toBe(true);
  });

  it("keeps the data dir private under umask 000", () => {
    expectPrivate(dataDir);
  });

  // Two workers each hold pre-signed answers in memory; a revocation made through one must not leave
  // the other answering "good". The supervisor relays it at once (the 10-second poll is the fallback).
  it.runIf(onServer)("answers revoked from every worker right after a revocation through one of them", { timeout: 120_000 }, async () => {
    const seedDir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-prod-seed-"));
    const seed = await seedRevocationHierarchy(seedDir, "prod");
    try {
      const cert = await issuePlugin(seed, "prod", "com.acmeprod.victim");
      const reqFile = path.join(seedDir, "req.der");
      execFileSync("openssl", ["ocsp", "-issuer", seed.files.org, "-cert", cert.file, "-no_nonce", "-reqout", reqFile]);
      const request = fs.readFileSync(reqFile);
      const ask = async () => {
        const res = await fetch(`http://127.0.0.1:${port}/ocsp`, { method: "POST", body: new Uint8Array(request), headers: { "content-type": "application/ocsp-request", connection: "close" } });
        const parsed = parseOcspResponse(Buffer.from(await res.arrayBuffer()));
        return parsed.basic ? parsed.basic.responses[0].status.kind : parsed.status;
      };
      // Fresh connections alternate between the workers; each finds the new CA (its issuer index
      // is rebuilt on a miss at most every 2 s) and then holds a pre-signed "good".
      let goodInARow = 0;
      const seen: string[] = [];
      const warmUntil = Date.now() + 30_000;
      while (goodInARow < 8 && Date.now() < warmUntil) {
        const status = await ask();
        seen.push(status);
        goodInARow = status === "good" ? goodInARow + 1 : 0;
        if (goodInARow === 0) await sleep(250);
      }
      expect(goodInARow, seen.slice(-20).join(",") + output.slice(-1500)).toBe(8);
      const revoked = await fetch(`http://127.0.0.1:${port}/api/v1/certificates/${cert.serial}/revoke`, {
        method: "POST",
        headers: { authorization: `Bearer ${seed.orgAdmin}`, "content-type": "application/json" },
        body: JSON.stringify({ reason: "keyCompromise" }),
      });
      expect(revoked.status, await revoked.clone().text()).toBe(200);
      const revokedAt = Date.now();
      const answers: string[] = [];
      for (let i = 0; i < 8; i++) answers.push(await ask());
      const elapsed = Date.now() - revokedAt;
      console.log(`[test] cross-worker revocation: ${answers.length} answers in ${elapsed} ms after the revocation returned: ${answers.join(",")}`);
      expect(answers.every((a) => a === "revoked"), answers.join(",")).toBe(true);
    } finally {
      await seed.server.close();
      fs.rmSync(seedDir, { recursive: true, force: true });
    }
  });

  it("brings a worker killed with SIGKILL back within 10 s by itself, and OCSP answers", { timeout: 60_000 }, async () => {
    expect(await ocspAnswers(port)).toBe(true);
    const workers = workersIn(output);
    expect(workers.length).toBe(onServer ? 2 : 1);
    const victim = workers[0];
    const killedAt = Date.now();
    process.kill(victim, "SIGKILL");
    let ocspFailures = 0;
    let back = false;
    while (Date.now() - killedAt < 10_000) {
      if (!(await ocspAnswers(port))) ocspFailures += 1;
      const replacement = workersIn(output).find((p) => !workers.includes(p));
      if (output.includes(`worker ${victim} (slot `) && output.includes("was killed by SIGKILL") && replacement && (await healthy(port))) {
        back = true;
        break;
      }
      await sleep(100);
    }
    expect(back, output.slice(-3000)).toBe(true);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(await ocspAnswers(port)).toBe(true);
    // With a second worker OCSP never stopped answering (a connection or two may meet the dying one).
    if (onServer) expect(ocspFailures).toBeLessThanOrEqual(2);
    if (!onServer) expect(JSON.parse(fs.readFileSync(path.join(dataDir, "server.json"), "utf8")).pid).toBe(child.pid);
  });

  it("stops the supervisor and every worker on SIGTERM", { timeout: 60_000 }, async () => {
    // Independent of the test before: wait for every slot to be served again.
    const until = Date.now() + 45_000;
    while (workersIn(output).length < (onServer ? 2 : 1) && Date.now() < until) await sleep(200);
    const workers = workersIn(output);
    expect(workers.length).toBe(onServer ? 2 : 1);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    for (const pid of workers) expect(alive(pid), `worker ${pid}`).toBe(false);
    expect(fs.existsSync(path.join(dataDir, "server.json"))).toBe(false);
  });
});
