#!/usr/bin/env node
// `npm start`: build the console if the sources changed since the last build, then serve it under
// the supervisor.
// Migrations and the setup token happen inside the server process (instrumentation.ts), because the
// embedded database admits one process at a time.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const stampFile = path.join(root, ".next", "signet-source-stamp");
const SOURCES = ["app", "components", "lib", "prisma", "instrumentation.ts", "next.config.ts", "package.json", "postcss.config.mjs", "tsconfig.json"];

function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of fs.readdirSync(p)) {
    if (name === "generated" || name === "node_modules") continue;
    newest = Math.max(newest, newestMtime(path.join(p, name)));
  }
  return newest;
}

const stamp = String(Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s)))));
const built = fs.existsSync(path.join(root, ".next", "BUILD_ID")) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === stamp;
if (!built) {
  console.log("[signet] building the console (first start or changed sources)…");
  if (!fs.existsSync(path.join(root, "lib", "generated", "prisma", "client.ts"))) {
    const gen = spawnSync(process.execPath, [path.join(root, "node_modules", "prisma", "build", "index.js"), "generate"], { cwd: root, stdio: "inherit" });
    if (gen.status !== 0) process.exit(gen.status ?? 1);
  }
  const result = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (result.status !== 0) process.exit(result.status ?? 1);
  fs.writeFileSync(stampFile, stamp);
}

// The supervisor runs here, in this process (lib/server/startup/supervise-workers.ts): it forks the
// workers (scripts/server.mjs) and restarts any that dies. TypeScript through tsx, as the CLI does;
// the workers run the built server with plain node.
// MALLOC_ARENA_MAX=2 for the workers (they inherit this environment): glibc's default of one malloc arena
// per thread (zlib and crypto on the thread pool, signing worker threads) kept freed upload buffers
// resident, and a few 100 MB uploads in a row grew a worker past 300 MB (test/targets-memory.test.ts).
// MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ for the same reason: the 1 MiB pieces archives are
// read, copied and stored in are each mapped on their own and returned to the system when freed,
// instead of fragmenting the heap (with glibc's sliding default they came back from the heap, and
// after four 100 MB uploads on four targets the worker peaked at 305 MB; with these, see the test).
Object.assign(process.env, {
  PORT: process.env.PORT ?? "3000",
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  SIGNET_APP_ROOT: root,
  MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2",
  MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? "262144",
  MALLOC_TRIM_THRESHOLD_: process.env.MALLOC_TRIM_THRESHOLD_ ?? "524288",
  // V8's young generation grows to 3 × 16 MiB semi-spaces under the allocation rate of a streamed
  // upload and stays that size; 4 MiB semi-spaces keep ~36 MiB of RSS for the rest of the budget.
  NODE_OPTIONS: /--max-semi-space-size/.test(process.env.NODE_OPTIONS ?? "") ? process.env.NODE_OPTIONS : `${process.env.NODE_OPTIONS ?? ""} --max-semi-space-size=4`.trim(),
});
const { register } = await import("tsx/esm/api");
register({ tsconfig: path.join(root, "tsconfig.json") });
const { serveSupervised } = await import("../lib/server/startup/serve-supervised.ts");
process.exit(await serveSupervised(path.join(root, "scripts", "server.mjs"), process.argv.slice(2)));
