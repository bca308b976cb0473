// Archive signing: Signet's signArchive on a ~100 MB plugin of 2,000 entries, in its own process,
// against the machine's limit for the same cryptography measured in the same run (SHA-512 over the
// bytes plus one RSA signature per entry on all cores, contents in memory), with peak RSS. And each
// store format (benchSignTargets): the target's signer on a ~100 MB upload against that format's limit
// (one SHA-256 pass over the artifact and one signature by the store key), in interleaved rounds.
import { execFileSync, spawnSync } from "node:child_process";
import crypto, { type KeyObject } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import yazl from "yazl";
import { toPem } from "../lib/pki/certificate/pem";
import { makeHierarchy } from "../lib/pki/jpl/test-fixtures";
import { verifyPluginArchive } from "../lib/pki/jpl/verify-plugin-archive";
import { generateKeyPair, spkiOf, type KeyAlgorithm } from "../lib/pki/signer";
import { verifyStoreArtifact } from "../lib/pki/targets/verify-store-artifact";
import { entryContent } from "./archive-content";
import { measure, table } from "./measure";

export type SignRow = { entries: number; megabytes: number; signetSeconds: number; signetSignMs: number; signetRssMb: number; limitMs: number; verified: boolean; opensslCms: boolean };

export const RSS_BUDGET_MB = 300;

const entryName = (i: number) => `data/${String(Math.floor(i / 100)).padStart(2, "0")}/file-${i}.${i % 2 ? "json" : "bin"}`;

/** A zip of `entries` entries: the manifest (`name`, `content`) under `prefix`, then plugin-like files. */
function writeInput(file: string, entries: number, size: number, manifest = { name: "manifest.json", content: JSON.stringify({ id: "com.bench.plugin", name: "Bench", version: "1.0.0" }) }, prefix = ""): Promise<void> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(manifest.content), `${prefix}${manifest.name}`);
  for (let i = 0; i < entries - 1; i++) {
    // Lazy: the generator never holds more than one entry, whatever the archive size.
    zip.addReadStreamLazy(`${prefix}${entryName(i)}`, { compress: i % 2 === 1 }, (cb) => cb(null, Readable.from([entryContent(i, size)])));
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

export const STORE_TARGETS = ["mattermost", "grafana", "dify", "mender"] as const;
export type StoreTarget = (typeof STORE_TARGETS)[number];
// Each target's default store key algorithm (lib/server/targets): what a store signs with unless told otherwise.
const STORE_KEY: Record<StoreTarget, KeyAlgorithm> = { mattermost: "rsa-4096", grafana: "rsa-4096", dify: "rsa-4096", mender: "rsa-3072" };
const DEFAULT_PLUGIN_ID = "com.bench.plugin";
const PLUGIN_ID = DEFAULT_PLUGIN_ID;

export type TargetRow = { target: StoreTarget; files: number; contentMb: number; fileMb: number; signetMs: number[]; limitMs: number[]; ratios: number[]; peakRssMb: number; verified: boolean; opensslCms: boolean; hostCheck: string };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const spread = (xs: number[], digits = 0) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

/**
 * A realistic upload of entries × size bytes of content for each store format, written by the tools its
 * developers use (GNU tar, a zip writer, mender-artifact). Dify's package is named as the id's last segment.
 */
export async function writeTargetInput(target: StoreTarget, dir: string, entries: number, size: number, PLUGIN_ID = DEFAULT_PLUGIN_ID): Promise<{ path: string; files: number; contentMb: number }> {
  const contentMb = (entries * size) / 1024 / 1024;
  if (target === "grafana") {
    const out = path.join(dir, "grafana.zip");
    await writeInput(out, entries, size, { name: "plugin.json", content: JSON.stringify({ id: PLUGIN_ID, type: "panel", name: "Bench", info: { version: "1.0.0" } }) }, `${PLUGIN_ID}/`);
    return { path: out, files: entries, contentMb };
  }
  if (target === "dify") {
    const out = path.join(dir, "bench.difypkg");
    await writeInput(out, entries, size, { name: "manifest.yaml", content: `version: 1.0.0\ntype: plugin\nauthor: bench\nname: ${PLUGIN_ID.split(".").pop()}\nlabel:\n  en_US: Bench\ncreated_at: 2026-11-01T10:00:00Z\n` });
    return { path: out, files: entries, contentMb };
  }
  const src = path.join(dir, `${target}-src`);
  if (target === "mattermost") {
    // GNU tar and gzip, as `make dist` packs a plugin bundle.
    const root = path.join(src, PLUGIN_ID);
    for (let i = 0; i < entries - 1; i++) {
      const f = path.join(root, entryName(i));
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, entryContent(i, size));
    }
    fs.writeFileSync(path.join(root, "plugin.json"), JSON.stringify({ id: PLUGIN_ID, name: "Bench", version: "1.0.0", min_server_version: "9.0.0" }));
    const out = path.join(dir, `${PLUGIN_ID}-1.0.0.tar.gz`);
    execFileSync("tar", ["-czf", out, "-C", src, PLUGIN_ID]);
    fs.rmSync(src, { recursive: true, force: true });
    return { path: out, files: entries, contentMb };
  }
  // Mender: a firmware-like module image, 20 payload files of the same total size, by mender-artifact.
  fs.mkdirSync(src, { recursive: true });
  const count = 20;
  const fileSize = Math.floor((entries * size) / count);
  const args = ["write", "module-image", "-T", "script", "-n", "bench-1", "-t", "bench-device", "-o", path.join(dir, "bench.mender")];
  for (let i = 0; i < count; i++) {
    const f = path.join(src, `part-${i}.bin`);
    fs.writeFileSync(f, entryContent(2 * i + (i % 4 === 3 ? 1 : 0), fileSize));
    args.push("-f", f);
  }
  execFileSync("mender-artifact", args, { stdio: "pipe" });
  fs.rmSync(src, { recursive: true, force: true });
  return { path: path.join(dir, "bench.mender"), files: count, contentMb: (count * fileSize) / 1024 / 1024 };
}

function hostCheck(target: StoreTarget, output: string, storeKey: KeyObject, dir: string): string {
  if (target !== "mender") return "—";
  const pem = path.join(dir, "mender-verify.pem");
  fs.writeFileSync(pem, crypto.createPublicKey(storeKey).export({ type: "spki", format: "pem" }));
  return spawnSync("mender-artifact", ["validate", output, "-k", pem]).status === 0 ? "mender-artifact: yes" : "mender-artifact: NO";
}

/**
 * Each store format's signer (bench/sign-archive-child.ts, as the server runs it) on a ~100 MB upload,
 * against that format's limit in the same run, in `rounds` interleaved rounds (target by target, Signet
 * then the limit) so that a neighbour's load falls on both alike. Every output is checked by Signet's
 * verifier with the store key, the .p7s by openssl cms, the Mender artifact by mender-artifact too.
 */
export async function benchSignTargets(opts: { entries?: number; entrySize?: number; rounds?: number; targets?: readonly StoreTarget[] } = {}): Promise<{ rows: TargetRow[]; markdown: string }> {
  const entries = opts.entries ?? 2_000;
  const size = opts.entrySize ?? 50 * 1024;
  const rounds = opts.rounds ?? Number(process.env.BENCH_ROUNDS ?? 5);
  const targets = (opts.targets ?? STORE_TARGETS).filter((t) => t !== "mender" || spawnSync("sh", ["-c", "command -v mender-artifact"]).status === 0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-bench-targets-"));
  try {
    const pki = await makeHierarchy({ pluginId: PLUGIN_ID, pluginKey: "rsa-3072" });
    const keyPath = path.join(dir, "plugin.key");
    fs.writeFileSync(keyPath, pki.pluginKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    const chainPath = path.join(dir, "chain.pem");
    fs.writeFileSync(chainPath, pki.chainDer.map((d) => toPem(d, "CERTIFICATE")).join(""));
    fs.writeFileSync(path.join(dir, "root.pem"), pki.rootPem);
    const tsx = ["--import", "tsx"];
    const rows = new Map<StoreTarget, TargetRow>();
    const inputs = new Map<StoreTarget, { path: string; storeKeyPath: string; storeKey: KeyObject }>();
    for (const target of targets) {
      const input = await writeTargetInput(target, dir, entries, size);
      const storeKey = generateKeyPair(STORE_KEY[target]).privateKey;
      const storeKeyPath = path.join(dir, `${target}.key`);
      fs.writeFileSync(storeKeyPath, storeKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
      inputs.set(target, { path: input.path, storeKeyPath, storeKey });
      rows.set(target, { target, files: input.files, contentMb: input.contentMb, fileMb: fs.statSync(input.path).size / 1024 / 1024, signetMs: [], limitMs: [], ratios: [], peakRssMb: 0, verified: true, opensslCms: true, hostCheck: "" });
    }
    for (let round = 0; round < rounds; round++) {
      for (const target of targets) {
        const { path: input, storeKeyPath, storeKey } = inputs.get(target)!;
        const row = rows.get(target)!;
        const output = path.join(dir, `signed-${target}`);
        for (const f of [output, `${output}.p7s`, `${output}.sig`]) fs.rmSync(f, { force: true });
        const signet = measure(process.execPath, [...tsx, path.join(import.meta.dirname, "sign-archive-child.ts"), input, output, keyPath, chainPath, target, storeKeyPath, PLUGIN_ID]);
        const limit = measure(process.execPath, [...tsx, path.join(import.meta.dirname, "sign-limit-child.ts"), storeKeyPath, "--file", output]);
        const signetMs = Number(signet.stdout.trim().split(" ")[0]);
        const limitMs = Math.max(1, Number(limit.stdout.trim()));
        row.signetMs.push(signetMs);
        row.limitMs.push(limitMs);
        row.ratios.push(signetMs / limitMs);
        row.peakRssMb = Math.max(row.peakRssMb, signet.peakRssMb);
        if (round === 0) {
          const spki = spkiOf(storeKey);
          const keys = [{ spki, createdAt: new Date("2026-01-01T00:00:00Z"), status: "active" }];
          const storeSignature = fs.existsSync(`${output}.sig`) ? fs.readFileSync(`${output}.sig`) : undefined;
          const report = await verifyStoreArtifact(output, { target, keys, storeSignature, detachedSignature: fs.readFileSync(`${output}.p7s`), trustedRoots: [pki.rootDer], now: new Date(), appUrl: "https://grafana.bench.test/" });
          row.verified = report.store.valid && report.cms?.valid === true && report.chainTrusted;
          const cms = spawnSync("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", `${output}.p7s`, "-content", output, "-CAfile", path.join(dir, "root.pem"), "-purpose", "any", "-out", "/dev/null"]);
          row.opensslCms = cms.status === 0;
          row.hostCheck = hostCheck(target, output, storeKey, dir);
        }
      }
    }
    const list = [...rows.values()];
    const markdown =
      table(
        ["target", "files", "content (MB)", "upload (MB)", "Signet sign+CMS, median (ms)", "spread (ms)", "limit: SHA-256 pass + 1 signature, median (ms)", "spread (ms)", "Signet / limit, median", "spread", "Signet peak RSS (MB)", `RSS ≤ ${RSS_BUDGET_MB} MB`, "verifies (ours, openssl cms, host tool)"],
        list.map((r) => [r.target, r.files, r.contentMb, r.fileMb, median(r.signetMs), spread(r.signetMs), median(r.limitMs), spread(r.limitMs), median(r.ratios), spread(r.ratios, 2), r.peakRssMb, r.peakRssMb <= RSS_BUDGET_MB ? "yes" : "NO", `${r.verified ? "yes" : "NO"}, ${r.opensslCms ? "yes" : "NO"}, ${r.hostCheck}`]),
      ) + `\n\n${rounds} interleaved rounds (each target: Signet, then its limit). Store keys: ${targets.map((t) => `${t} ${STORE_KEY[t]}`).join(", ")}; plugin certificate key RSA-3072 (the CMS).`;
    return { rows: list, markdown };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
