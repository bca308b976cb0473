// Archive signing: Signet's signArchive on a ~100 MB plugin of 2,000 entries, in its own process,
// against the machine's limit for the same cryptography measured in the same run (SHA-512 over the
// bytes plus one RSA signature per entry on all cores, contents in memory), with peak RSS.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import yazl from "yazl";
import { toPem } from "../lib/pki/certificate/pem";
import { makeHierarchy } from "../lib/pki/jpl/test-fixtures";
import { verifyPluginArchive } from "../lib/pki/jpl/verify-plugin-archive";
import { entryContent } from "./archive-content";
import { measure, table } from "./measure";

export type SignRow = { entries: number; megabytes: number; signetSeconds: number; signetSignMs: number; signetRssMb: number; limitMs: number; verified: boolean; opensslCms: boolean };

export const RSS_BUDGET_MB = 300;

function writeInput(file: string, entries: number, size: number): Promise<void> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(JSON.stringify({ id: "com.bench.plugin", name: "Bench", version: "1.0.0" })), "manifest.json");
  for (let i = 0; i < entries - 1; i++) {
    // Lazy: the generator never holds more than one entry, whatever the archive size.
    zip.addReadStreamLazy(`data/${String(Math.floor(i / 100)).padStart(2, "0")}/file-${i}.${i % 2 ? "json" : "bin"}`, { compress: i % 2 === 1 }, (cb) => cb(null, Readable.from([entryContent(i, size)])));
  }
  zip.end();
  return new Promise((resolve, reject) => zip.outputStream.pipe(fs.createWriteStream(file)).on("close", resolve).on("error", reject));
}

export async function benchSignArchive(opts: { entries?: number; entrySize?: number } = {}): Promise<{ rows: SignRow[]; markdown: string }> {
  const entries = opts.entries ?? 2_000;
  const size = opts.entrySize ?? 50 * 1024;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-bench-sign-"));
  try {
    const pki = await makeHierarchy({ pluginId: "com.bench.plugin", pluginKey: "rsa-3072" });
    const keyPath = path.join(dir, "plugin.key");
    fs.writeFileSync(keyPath, pki.pluginKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    const chainPath = path.join(dir, "chain.pem");
    fs.writeFileSync(chainPath, pki.chainDer.map((d) => toPem(d, "CERTIFICATE")).join(""));
    fs.writeFileSync(path.join(dir, "root.pem"), pki.rootPem);
    const input = path.join(dir, "input.jpl");
    await writeInput(input, entries, size);
    const output = path.join(dir, "signed.jpl");
    const tsx = ["--import", "tsx"];
    const signet = measure(process.execPath, [...tsx, path.join(import.meta.dirname, "sign-archive-child.ts"), input, output, keyPath, chainPath]);
    const limit = measure(process.execPath, [...tsx, path.join(import.meta.dirname, "sign-limit-child.ts"), keyPath, String(entries), String(size)]);
    const report = await verifyPluginArchive(output, { trustedRoots: [pki.rootDer], now: new Date() });
    const cms = spawnSync("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", `${output}.p7s`, "-content", output, "-CAfile", path.join(dir, "root.pem"), "-purpose", "any", "-out", "/dev/null"]);
    const row: SignRow = {
      entries,
      megabytes: (entries * size) / 1024 / 1024,
      signetSeconds: signet.seconds,
      signetSignMs: Number(signet.stdout.trim().split(" ")[0]),
      signetRssMb: signet.peakRssMb,
      limitMs: Number(limit.stdout.trim()),
      verified: report.valid && report.files.length === entries,
      opensslCms: cms.status === 0,
    };
    const markdown = table(
      ["entries", "content (MB)", "Signet sign+CMS (ms)", "Signet process (s)", "Signet peak RSS (MB)", `RSS ≤ ${RSS_BUDGET_MB} MB`, "limit: SHA-512 + RSA/entry, all cores (ms)", "Signet / limit", "verifies (ours, openssl cms)"],
      [[row.entries, row.megabytes, row.signetSignMs, row.signetSeconds, row.signetRssMb, row.signetRssMb <= RSS_BUDGET_MB ? "yes" : "NO", row.limitMs, row.signetSignMs / row.limitMs, `${row.verified ? "yes" : "NO"}, ${row.opensslCms ? "yes" : "NO"}`]],
    );
    return { rows: [row], markdown };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
