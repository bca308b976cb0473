// Verifiers Signet did not write, for the OpenPGP tests: gpgv (GnuPG) and Go programs on Debian's
// golang.org/x/crypto/openpgp (Mattermost) and github.com/ProtonMail/go-crypto (Grafana), built from
// testdata/ by the test itself. Absent tools skip the test with a reason, except in CI, where they fail it.
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export function tempDir(prefix = "signet-openpgp-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function onPath(tool: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status === 0;
}

/** Whether `tool` can run here; in CI (CI=true) a missing tool is an error, not a skip. */
export function toolAvailable(tool: "gpgv" | "go" | "gpg"): boolean {
  const ok = tool === "go" ? onPath("go") && fs.existsSync("/usr/share/gocode/src/golang.org/x/crypto/openpgp") && fs.existsSync("/usr/share/gocode/src/github.com/ProtonMail/go-crypto/openpgp") : onPath(tool);
  if (!ok && process.env.CI === "true") throw new Error(`${tool} (and for go: golang-golang-x-crypto-dev, golang-github-protonmail-go-crypto-dev) must be installed in CI`);
  if (!ok) console.warn(`skipping: ${tool} is not installed`);
  return ok;
}

const GO_ENV = { ...process.env, GO111MODULE: "off", GOPATH: "/usr/share/gocode", GOFLAGS: "", GOCACHE: path.join(os.tmpdir(), "signet-openpgp-gocache") };

const GO_BIN_DIR = path.join(os.tmpdir(), "signet-openpgp-gobin");

/**
 * Compiles testdata/<name> and returns the binary, kept per source hash so that repeated runs reuse it
 * (three small files in the temp dir, not one per run). Built under a temporary name and renamed, since
 * test files run in parallel.
 */
export function buildGoVerifier(name: "mattermost-verify" | "grafana-verify" | "grafana-verify-xcrypto"): string {
  const source = path.join(import.meta.dirname, "testdata", name);
  const hash = crypto.createHash("sha256").update(fs.readFileSync(path.join(source, "main.go"))).digest("hex").slice(0, 16);
  const out = path.join(GO_BIN_DIR, `${name}-${hash}`);
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(GO_BIN_DIR, { recursive: true });
  const building = `${out}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  execFileSync("go", ["build", "-o", building, "."], { cwd: source, env: GO_ENV, stdio: "pipe" });
  fs.renameSync(building, out);
  return out;
}

export type RunResult = { status: number; output: string };

export function run(command: string, args: string[]): RunResult {
  const r = spawnSync(command, args, { encoding: "utf8" });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

/** gpgv over a binary keyring file; returns its exit status and output. */
export function gpgv(dir: string, keyBinary: Uint8Array, args: string[]): RunResult {
  const keyring = path.join(dir, `key-${Math.random().toString(36).slice(2)}.gpg`);
  fs.writeFileSync(keyring, keyBinary);
  return run("gpgv", ["--keyring", keyring, ...args]);
}
