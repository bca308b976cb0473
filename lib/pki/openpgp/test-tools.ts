// Verifiers Signet did not write, for the OpenPGP tests: gpgv (GnuPG) and Go programs on Debian's
// golang.org/x/crypto/openpgp (Mattermost) and github.com/ProtonMail/go-crypto (Grafana), built from
// testdata/ by the test itself. Absent tools skip the test with a reason, except in CI, where they fail it.
import { execFileSync, spawnSync } from "node:child_process";
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

/** Compiles testdata/<name> once into a temp dir; returns the binary's path. */
export function buildGoVerifier(name: "mattermost-verify" | "grafana-verify" | "grafana-verify-xcrypto"): string {
  const out = path.join(tempDir("signet-go-"), name);
  execFileSync("go", ["build", "-o", out, "."], { cwd: path.join(import.meta.dirname, "testdata", name), env: GO_ENV, stdio: "pipe" });
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
