#!/usr/bin/env node
// `npm run test:e2e`: a fresh embedded data dir, then Playwright (which starts the server itself).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = path.resolve(root, process.env.SIGNET_E2E_DATA_DIR ?? "e2e-results/data");
fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(path.join(root, "e2e-results", "screenshots"), { recursive: true });
const cli = path.join(root, "node_modules", "@playwright", "test", "cli.js");
const result = spawnSync(process.execPath, [cli, "test", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, SIGNET_E2E_DATA_DIR: dataDir },
});
process.exit(result.status ?? 1);
