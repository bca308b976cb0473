// CRL build: Signet's encoder against `openssl ca -gencrl` on the same number of revocations,
// same key type (P-256) and digest, each in its own process, timed and measured from outside.
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { certificateInfo } from "../lib/pki/certificate/info";
import { fromPem } from "../lib/pki/certificate/pem";
import { measure, table } from "./measure";

export type CrlRow = { entries: number; signetSeconds: number; signetBuildMs: number; signetRssMb: number; opensslSeconds: number; opensslRssMb: number; accepted: boolean };

const SSL_DATE = (d: Date) => d.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z";

function setupCa(dir: string): void {
  execFileSync("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path.join(dir, "ca.key")]);
  execFileSync("openssl", ["pkcs8", "-topk8", "-nocrypt", "-in", path.join(dir, "ca.key"), "-out", path.join(dir, "ca.p8")]);
  execFileSync("openssl", ["req", "-x509", "-new", "-key", path.join(dir, "ca.key"), "-subj", "/O=Bench/CN=Bench CA", "-days", "30", "-out", path.join(dir, "ca.pem"), "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  const info = certificateInfo(fromPem(fs.readFileSync(path.join(dir, "ca.pem"), "utf8"))[0]);
  fs.writeFileSync(path.join(dir, "issuer.der"), info.subjectDer);
  fs.writeFileSync(
    path.join(dir, "ca.cnf"),
    `[ca]\ndefault_ca = d\n[d]\ndatabase = ${dir}/index.txt\ncrlnumber = ${dir}/crlnumber\ncertificate = ${dir}/ca.pem\nprivate_key = ${dir}/ca.key\ndefault_md = sha256\ndefault_crl_days = 7\ncrl_extensions = crl_ext\n[crl_ext]\nauthorityKeyIdentifier = keyid:always\n`,
  );
}

function writeIndex(dir: string, n: number): Promise<void> {
  const out = fs.createWriteStream(path.join(dir, "index.txt"));
  const expiry = SSL_DATE(new Date(Date.UTC(2030, 0, 1)));
  const reasons = ["keyCompromise", "superseded", "cessationOfOperation", "unspecified"];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const serial = crypto.randomBytes(16);
    serial[0] = (serial[0] & 0x7f) | 0x01;
    lines.push(`R\t${expiry}\t${SSL_DATE(new Date(Date.UTC(2026, 0, 1) + i * 1000))},${reasons[i % 4]}\t${serial.toString("hex").toUpperCase()}\tunknown\t/CN=p${i}\n`);
    if (lines.length === 10_000) out.write(lines.splice(0).join(""));
  }
  fs.writeFileSync(path.join(dir, "crlnumber"), "1000\n");
  return new Promise((resolve, reject) => {
    out.on("error", reject);
    out.end(lines.join(""), () => resolve());
  });
}

export async function benchCrl(sizes = [10_000, 100_000, 1_000_000]): Promise<{ rows: CrlRow[]; markdown: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-bench-crl-"));
  setupCa(dir);
  const rows: CrlRow[] = [];
  for (const n of sizes) {
    const ours = path.join(dir, `signet-${n}.crl`);
    const signet = measure(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "crl-child.ts"), String(n), path.join(dir, "ca.p8"), path.join(dir, "issuer.der"), ours]);
    // OpenSSL must accept what we built: it parses every entry and checks the signature.
    const verify = spawnSync("openssl", ["crl", "-inform", "DER", "-in", ours, "-CAfile", path.join(dir, "ca.pem"), "-noout"], { encoding: "utf8" });
    const accepted = verify.status === 0 && /verify OK/.test(verify.stderr + verify.stdout);
    await writeIndex(dir, n);
    const peer = measure("openssl", ["ca", "-gencrl", "-batch", "-config", path.join(dir, "ca.cnf"), "-out", path.join(dir, `openssl-${n}.crl`)]);
    rows.push({ entries: n, signetSeconds: signet.seconds, signetBuildMs: Number(signet.stdout.trim()), signetRssMb: signet.peakRssMb, opensslSeconds: peer.seconds, opensslRssMb: peer.peakRssMb, accepted });
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const markdown = table(
    ["revoked entries", "Signet build (ms)", "Signet process (s)", "Signet peak RSS (MB)", "openssl ca -gencrl (s)", "openssl peak RSS (MB)", "speed ratio (openssl s / Signet s)", "openssl crl accepts Signet's"],
    rows.map((r) => [r.entries, r.signetBuildMs, r.signetSeconds, r.signetRssMb, r.opensslSeconds, r.opensslRssMb, r.opensslSeconds / r.signetSeconds, r.accepted ? "yes" : "NO"]),
  );
  return { rows, markdown };
}
