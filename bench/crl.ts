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
import { benchDataDir, freshBenchDatabase, growRevocations, seedStore } from "./seed-pki";

export type CrlRow = {
  entries: number;
  /** lib/pki's encoder from revocation records in memory (every entry encoded in the run). */
  encoderMs: number;
  encoderRssMb: number;
  /** The production path: publishCrl reading the CA's stored entries from PostgreSQL, signing, storing. */
  publishSeconds: number;
  /** The same, right after the bulk load, when every revocation is listed for the first time. */
  firstPublishSeconds: number;
  publishRssMb: number;
  opensslSeconds: number;
  opensslRssMb: number;
  accepted: boolean;
};

const ROOT = path.resolve(import.meta.dirname, "..");
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

function opensslAccepts(crlPath: string, caPem: string, form: "DER" | "PEM"): boolean {
  // OpenSSL parses every entry and checks the signature against the issuing CA.
  const verify = spawnSync("openssl", ["crl", "-inform", form, "-in", crlPath, "-CAfile", caPem, "-noout"], { encoding: "utf8" });
  return verify.status === 0 && /verify OK/.test(verify.stderr + verify.stdout);
}

export async function benchCrl(sizes = [10_000, 100_000, 1_000_000]): Promise<{ rows: CrlRow[]; markdown: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-bench-crl-"));
  setupCa(dir);
  // The production path runs against a PostgreSQL server seeded through Signet's own workflows.
  benchDataDir();
  const env = { ...process.env };
  await freshBenchDatabase();
  const store = await seedStore();
  fs.writeFileSync(path.join(dir, "org.pem"), store.orgCaPem);
  const { db, closeDb } = await import("../lib/db");
  const orgId = (await (await db()).certificateAuthority.findUniqueOrThrow({ where: { id: store.orgCaId } })).orgId!;
  await closeDb();

  // The production server runs bundled code (Next.js compiles lib/ into its server bundle), not
  // TypeScript through a loader: bundle the child the same way, so tsx's ~45 MB is not counted.
  const child = path.join(ROOT, "bench", ".build", "crl-db-child.mjs");
  const built = spawnSync(path.join(ROOT, "node_modules", ".bin", "esbuild"), [path.join(import.meta.dirname, "crl-db-child.ts"), "--bundle", "--platform=node", "--format=esm", "--packages=external", `--outfile=${child}`, "--log-level=warning"], { encoding: "utf8" });
  if (built.status !== 0) throw new Error(`bundling the CRL child failed: ${built.stderr}`);
  const childEnv = { ...env, SIGNET_APP_ROOT: ROOT };

  const rows: CrlRow[] = [];
  for (const n of sizes) {
    const ours = path.join(dir, `signet-${n}.crl`);
    const encoder = measure(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "crl-child.ts"), String(n), path.join(dir, "ca.p8"), path.join(dir, "issuer.der"), ours]);
    const encoderOk = opensslAccepts(ours, path.join(dir, "ca.pem"), "DER");

    await growRevocations(store.orgCaId, orgId, n);
    const published = path.join(dir, `published-${n}.crl`);
    // The first issuance after a bulk load also stamps every new revocation with its CRL number;
    // the next one is what a CA does all day: re-issue over an unchanged (or slowly growing) set.
    const first = measure(process.execPath, [child, store.orgCaId, published], { env: childEnv });
    const publish = measure(process.execPath, [child, store.orgCaId, published], { env: childEnv });
    const publishOk = opensslAccepts(published, path.join(dir, "org.pem"), "DER");

    await writeIndex(dir, n);
    const peer = measure("openssl", ["ca", "-gencrl", "-batch", "-config", path.join(dir, "ca.cnf"), "-out", path.join(dir, `openssl-${n}.crl`)]);
    rows.push({
      entries: n,
      encoderMs: Number(encoder.stdout.trim()),
      encoderRssMb: encoder.peakRssMb,
      firstPublishSeconds: first.seconds,
      publishSeconds: publish.seconds,
      publishRssMb: publish.peakRssMb,
      opensslSeconds: peer.seconds,
      opensslRssMb: peer.peakRssMb,
      accepted: encoderOk && publishOk,
    });
  }
  if (!process.env.BENCH_KEEP) fs.rmSync(dir, { recursive: true, force: true });
  const markdown = table(
    ["revoked entries", "Signet publishCrl from PostgreSQL (s, whole process)", "its peak RSS (MB)", "first issuance after bulk load (s)", "openssl ca -gencrl (s)", "openssl peak RSS (MB)", "speed ratio (openssl s / Signet s)", "encoder alone from records (ms)", "encoder peak RSS (MB)", "openssl crl -CAfile accepts Signet's"],
    rows.map((r) => [r.entries, r.publishSeconds, r.publishRssMb, r.firstPublishSeconds, r.opensslSeconds, r.opensslRssMb, r.opensslSeconds / r.publishSeconds, r.encoderMs, r.encoderRssMb, r.accepted ? "yes" : "NO"]),
  );
  return { rows, markdown };
}
