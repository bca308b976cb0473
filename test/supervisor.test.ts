// The supervisor `npm start` runs (lib/server/startup/supervise-workers.ts, serve-supervised.ts), as
// real processes: a supervisor with stand-in workers (test/supervisor/fake-worker.mjs) that answer
// HTTP on a shared port. The production server under it is checked in test/production-server.test.ts.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { alive, freePort } from "./processes";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


type Run = { child: ChildProcess; port: number; dataDir: string; output: () => string; exit: Promise<number | null>; waitFor: (re: RegExp, ms?: number) => Promise<RegExpMatchArray> };
const runs: Run[] = [];

async function startSupervisor(extra: Record<string, string>, reuse?: { port: number; dataDir: string }): Promise<Run> {
  const port = reuse?.port ?? (await freePort());
  const dataDir = reuse?.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "signet-sup-"));
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("test/supervisor/start.ts")], {
    env: { ...process.env, PORT: String(port), SIGNET_DATA_DIR: dataDir, DATABASE_URL: "", SIGNET_WORKERS: "", FAKE_MODE: "", ...extra },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const waitFor = async (re: RegExp, ms = 30_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = out.match(re);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`no ${re} within ${ms} ms in:\n${out}`);
      await sleep(25);
    }
  };
  const run = { child, port, dataDir, output: () => out, exit, waitFor };
  runs.push(run);
  return run;
}

async function get(port: number): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000), headers: { connection: "close" } });
    return await res.text();
  } catch {
    return undefined;
  }
}

afterEach(() => {
  for (const r of runs.splice(0)) {
    r.child.kill("SIGKILL");
    fs.rmSync(r.dataDir, { recursive: true, force: true });
  }
});

describe("supervisor", () => {
  it("restarts a worker killed with SIGKILL within 10 s, says why, keeps the server lock on itself and stops cleanly on SIGTERM", { timeout: 60_000 }, async () => {
    const run = await startSupervisor({});
    const first = Number((await run.waitFor(/fake worker (\d+) listening/))[1]);
    expect(await get(run.port)).toBe(String(first));
    const lockFile = path.join(run.dataDir, "server.json");
    expect(JSON.parse(fs.readFileSync(lockFile, "utf8"))).toMatchObject({ pid: run.child.pid, url: `http://127.0.0.1:${run.port}` });

    const killedAt = Date.now();
    process.kill(first, "SIGKILL");
    let answer: string | undefined;
    while (Date.now() - killedAt < 10_000) {
      answer = await get(run.port);
      if (answer && answer !== String(first)) break;
      await sleep(50);
    }
    const second = Number(answer);
    expect(second, run.output()).toBeGreaterThan(0);
    expect(second).not.toBe(first);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(run.output()).toContain(`worker ${first} (slot 0) was killed by SIGKILL`);
    // The replacement started only once the old worker was gone (the stand-in refuses otherwise).
    expect(run.output()).not.toContain("TWO WORKERS");
    // The lock named the supervisor throughout, so a CLI never saw the data dir free.
    expect(JSON.parse(fs.readFileSync(lockFile, "utf8")).pid).toBe(run.child.pid);

    run.child.kill("SIGTERM");
    expect(await run.exit).toBe(0);
    expect(run.output()).toContain(`fake worker ${second} stopping`);
    expect(alive(second)).toBe(false);
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  it("with two workers (PostgreSQL server), keeps answering on the port while one restarts", { timeout: 60_000 }, async () => {
    const run = await startSupervisor({ DATABASE_URL: "postgresql://unused@127.0.0.1:9/none", SIGNET_WORKERS: "2" });
    await run.waitFor(/fake worker (\d+) listening[\s\S]*fake worker (\d+) listening/);
    const pids = [...run.output().matchAll(/fake worker (\d+) listening/g)].map((m) => Number(m[1]));
    expect(new Set(pids).size).toBe(2);
    expect(fs.existsSync(path.join(run.dataDir, "server.json")), "no embedded database, no lock").toBe(false);
    process.kill(pids[0], "SIGKILL");
    const answers: (string | undefined)[] = [];
    const start = Date.now();
    const replaced = () => new RegExp(`fake worker (?!${pids[0]}|${pids[1]})\\d+ listening`).test(run.output());
    // Through the restart and a little after (the stand-in restarts in milliseconds).
    while ((!replaced() || answers.length < 20) && Date.now() - start < 10_000) {
      answers.push(await get(run.port));
      await sleep(20);
    }
    const served = answers.filter((a) => a === String(pids[1])).length;
    expect(served, "the survivor answered while the other restarted").toBeGreaterThan(0);
    expect(answers.filter((a) => a === undefined).length, `failed requests of ${answers.length}`).toBeLessThanOrEqual(2);
    run.child.kill("SIGTERM");
    expect(await run.exit).toBe(0);
  });

  it("backs off in a crash loop, logs it, and still stops at once on SIGTERM", { timeout: 60_000 }, async () => {
    const run = await startSupervisor({ FAKE_MODE: "crash" });
    await run.waitFor(/restarting worker slot 0 in 1 s/);
    await run.waitFor(/restarting worker slot 0 in 2 s/);
    await run.waitFor(/crash loop: 2 workers died/);
    await run.waitFor(/restarting worker slot 0 in 4 s/, 20_000);
    const stoppedAt = Date.now();
    run.child.kill("SIGTERM");
    expect(await run.exit).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    expect(run.output()).toMatch(/exited with code 1 after \d+ s/);
  });

  it("exits with the worker's code when the server never starts, instead of looping", { timeout: 30_000 }, async () => {
    const run = await startSupervisor({ FAKE_MODE: "broken" });
    expect(await run.exit).toBe(7);
    expect(run.output()).toContain("the server failed to start; not restarting");
    expect(fs.existsSync(path.join(run.dataDir, "server.json"))).toBe(false);
  });

  it("refuses a second server on the same embedded data dir, and more than one worker on it", { timeout: 30_000 }, async () => {
    const run = await startSupervisor({});
    await run.waitFor(/fake worker (\d+) listening/);
    const second = await startSupervisor({}, { port: await freePort(), dataDir: run.dataDir });
    expect(await second.exit).toBe(1);
    expect(second.output()).toContain(`another Signet server (pid ${run.child.pid}`);
    const many = await startSupervisor({ SIGNET_WORKERS: "2" });
    expect(await many.exit).toBe(1);
    expect(many.output()).toContain("SIGNET_WORKERS=2 needs a PostgreSQL server");
  });
});
