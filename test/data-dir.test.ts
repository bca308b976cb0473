// The data dir is private whatever the umask: the embedded database (its WAL holds live session
// tokens), the master key file, the setup token and uploads. Checked after the CLI creates a store
// from scratch under umask 000, in a data dir that was created world-writable beforehand.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectPrivate } from "./private-files";

describe("data dir permissions", () => {
  it("creates the embedded database, master key and setup state 0700/0600 under umask 000, and tightens a loose dir", { timeout: 180_000 }, () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-perm-"));
    try {
      fs.chmodSync(dataDir, 0o777);
      fs.writeFileSync(path.join(dataDir, "left-by-an-older-version"), "x", { mode: 0o666 });
      fs.chmodSync(path.join(dataDir, "left-by-an-older-version"), 0o666);
      const run = (args: string[], input?: string) =>
        spawnSync("sh", ["-c", 'umask 000 && exec "$0" "$@"', process.execPath, path.resolve("cli/signet.mjs"), ...args], {
          input,
          encoding: "utf8",
          env: { ...process.env, SIGNET_DATA_DIR: dataDir, DATABASE_URL: "", SIGNET_MASTER_KEY: "", NODE_ENV: "production" },
        });
      const init = run(["init", "--admin-email", "ops@example.com", "--admin-password-stdin", "--json"], "a-long-password-123\n");
      expect(init.status, init.stderr).toBe(0);
      // The umask really was 000 for the child: a file it creates without a mode says so.
      const probe = spawnSync("sh", ["-c", `umask 000 && touch ${JSON.stringify(path.join(os.tmpdir(), path.basename(dataDir) + ".probe"))}`]);
      expect(probe.status).toBe(0);
      const probePath = path.join(os.tmpdir(), path.basename(dataDir) + ".probe");
      expect(fs.statSync(probePath).mode & 0o777).toBe(0o666);
      fs.rmSync(probePath);
      expect(fs.existsSync(path.join(dataDir, "master.key"))).toBe(true);
      expect(fs.existsSync(path.join(dataDir, "pgdata"))).toBe(true);
      expectPrivate(dataDir);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
