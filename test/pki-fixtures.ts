// Test fixtures made by stock OpenSSL, so what Signet accepts is checked against a tool we did not write.
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function opensslCsr(dir: string, name: string, opts: { key?: string; subj?: string; addext?: string[] } = {}): string {
  const keyPath = path.join(dir, `${name}.key`);
  const csrPath = path.join(dir, `${name}.csr`);
  const args = ["req", "-new", "-newkey", opts.key ?? "rsa:3072", "-nodes", "-keyout", keyPath, "-out", csrPath, "-subj", opts.subj ?? `/CN=${name}`];
  for (const ext of opts.addext ?? []) args.push("-addext", ext);
  execFileSync("openssl", args, { stdio: "pipe" });
  return fs.readFileSync(csrPath, "utf8");
}

export function writePem(dir: string, name: string, pem: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, pem);
  return p;
}

export function openssl(args: string[]): string {
  return execFileSync("openssl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Runs a tool asynchronously, so a server living in the test process can answer it; never throws. */
export function runTool(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: "utf8", timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, out: `${stdout}${stderr}` });
    });
  });
}
