// A 100 MB upload on each store target keeps the server under 300 MB: the production server as
// `npm start` runs it (one worker, on this PostgreSQL database, sharing this process's master key), a
// ~100 MB plugin per target streamed to it over HTTP, and the worker's peak resident set (VmHWM in
// /proc/PID/status, which counts everything since it started) read after each upload.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUT as putTarget } from "@/app/api/v1/settings/targets/[target]/route";
import { PUT as putOrgGrafana } from "@/app/api/v1/orgs/[slug]/targets/grafana/route";
import { env } from "@/lib/env";
import { masterKey } from "@/lib/server/keys/master-key";
import { STORE_TARGETS, writeTargetInput, type StoreTarget } from "@/bench/sign-archive";
import { call } from "./helpers";
import { alive, freePort } from "./processes";
import { tempDir } from "./pki-fixtures";
import { H, issuePluginCert, json, setUpStore, type Store } from "./artifact-fixtures";

const onServer = Boolean(process.env.DATABASE_URL);
const BUDGET_MB = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PLUGINS: Record<StoreTarget, string> = { mattermost: "com.acme.mmbig", grafana: "com.acme.gfbig", dify: "com.acme.dybig", mender: "com.acme.mnbig" };
const TYPES: Record<StoreTarget, string> = { mattermost: "application/gzip", grafana: "application/zip", dify: "application/octet-stream", mender: "application/octet-stream" };
const hasMender = fs.existsSync("/usr/bin/mender-artifact");

function vmMb(pid: number, field: "VmHWM" | "VmRSS"): number {
  const line = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!line) throw new Error(`no ${field} for ${pid}`);
  return Number(line[1]) / 1024;
}

describe.runIf(onServer)("store targets: a 100 MB upload keeps the server under 300 MB RSS", () => {
  let store: Store;
  let child: ChildProcess;
  let port = 0;
  let output = "";
  let worker = 0;
  const dir = tempDir("signet-targets-mem-");
  const inputs = new Map<StoreTarget, string>();
  const peaks: string[] = [];

  beforeAll(async () => {
    store = await setUpStore();
    for (const target of STORE_TARGETS) {
      if (target === "mender" && !hasMender) continue;
      await issuePluginCert(store.acmeAdmin, "acme", PLUGINS[target]);
      await json(await call(H(putTarget), { method: "PUT", token: store.operator, params: { target }, json: { enabled: true } }), 200);
      // ~100 MB on the wire: half the content is incompressible, Mender's payload gzip-compressed.
      inputs.set(target, (await writeTargetInput(target, dir, 2_000, (target === "mender" ? 70 : 100) * 1024, PLUGINS[target])).path);
    }
    await json(await call(H(putOrgGrafana), { method: "PUT", token: store.acmeAdmin, params: { slug: "acme" }, json: { rootUrls: ["https://grafana.acme.test/"] } }), 200);
    port = await freePort();
    child = spawn(process.execPath, ["scripts/start.mjs"], {
      env: {
        ...process.env,
        PORT: String(port),
        SIGNET_DATA_DIR: env().dataDir,
        SIGNET_PUBLIC_URL: `http://127.0.0.1:${port}`,
        SIGNET_WORKERS: "1",
        SIGNET_MASTER_KEY: masterKey().toString("base64"),
        NODE_ENV: "production",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 25 * 60_000;
    for (;;) {
      const ready = /worker (\d+) \(slot \d+\) ready/.exec(output);
      if (ready) {
        worker = Number(ready[1]);
        break;
      }
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the server did not come up:\n${output.slice(-4000)}`);
      await sleep(1_000);
    }
    console.log(`[targets-memory] worker ${worker} up: RSS ${vmMb(worker, "VmRSS").toFixed(0)} MB, VmHWM ${vmMb(worker, "VmHWM").toFixed(0)} MB`);
  }, 30 * 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill("SIGTERM");
    await sleep(2_000);
    if (worker && alive(worker)) process.kill(worker, "SIGKILL");
    if (child && child.exitCode === null) child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
    if (peaks.length) console.log(`[targets-memory] worker VmHWM after each upload: ${peaks.join(", ")}`);
  });

  for (const target of STORE_TARGETS) {
    it.skipIf(target === "mender" && !hasMender)(`${target}: a ~100 MB upload is signed, streamed in and out, with the worker's peak RSS under ${BUDGET_MB} MB`, { timeout: 10 * 60_000 }, async () => {
      const input = inputs.get(target)!;
      const size = fs.statSync(input).size;
      // The resident set before, and its highest value while this upload and its download run.
      const before = vmMb(worker, "VmRSS");
      let during = before;
      const sampler = setInterval(() => (during = Math.max(during, vmMb(worker, "VmRSS"))), 100);
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/orgs/acme/plugins/${PLUGINS[target]}/artifacts?target=${target}`, {
        method: "POST",
        headers: { authorization: `Bearer ${store.acmeMember}`, "content-type": TYPES[target], "content-length": String(size) },
        body: Readable.toWeb(fs.createReadStream(input)) as ReadableStream,
        duplex: "half",
        signal: AbortSignal.timeout(5 * 60_000),
      } as RequestInit);
      const text = await res.text();
      expect(res.status, text).toBe(201);
      const artifact = JSON.parse(text) as { id: string; sha256: string };
      // The download streams too: read it through and compare its size.
      const download = await fetch(`http://127.0.0.1:${port}/api/v1/artifacts/${artifact.id}/download`, { headers: { authorization: `Bearer ${store.acmeMember}` }, signal: AbortSignal.timeout(5 * 60_000) });
      expect(download.status).toBe(200);
      let bytes = 0;
      for await (const chunk of download.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
      expect(bytes).toBeGreaterThan(size * 0.9);
      clearInterval(sampler);
      const peak = vmMb(worker, "VmHWM");
      const line = `${target}: ${(size / 1024 / 1024).toFixed(0)} MB upload, RSS ${before.toFixed(0)} MB before, ${during.toFixed(0)} MB at most during, VmHWM ${peak.toFixed(0)} MB`;
      peaks.push(line);
      console.log(`[targets-memory] ${line}`);
      expect(peak).toBeLessThanOrEqual(BUDGET_MB);
    });
  }
});
