// Signed archives in PostgreSQL against the local-disk path they replaced, through the production
// server (`npm start`, one worker) on the PostgreSQL server: a ~100 MB plugin uploaded, signed and
// stored, then downloaded. The server's peak RSS (the worker's VmHWM, start-up included) must stay
// under RSS_BUDGET_MB.
// - Download: the same server serves the same artifact both ways: from the database, and from a
//   file under its data dir (the path a row still marked "file" takes: exactly the old download).
// - Upload: the old path renamed the signed file into place; the new one streams it into the
//   database instead. The old time is the new one less that write plus a rename, both measured
//   here on the same bytes (the database write through the same code, storeArtifactBytes).
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import yazl from "yazl";
import { RSS_BUDGET_MB } from "./sign-archive";
import { table } from "./measure";
import { waitFor } from "./ocsp";
import { benchDataDir, freshBenchDatabase, seedStore } from "./seed-pki";

const ROOT = path.resolve(import.meta.dirname, "..");
const PORT = Number(process.env.BENCH_PORT ?? 3710) + 2;
const ENTRY_BYTES = 5 * 1024 * 1024;
const ENTRIES = 20;
const DOWNLOADS = 3;

export type StoreRow = { step: string; disk: number; database: number; ratio: number; peakRssMb: number };

function writeArchive(file: string, pluginId: string): Promise<void> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(JSON.stringify({ id: pluginId, name: "Bench", version: "1.0.0" })), "manifest.json");
  for (let i = 0; i < ENTRIES; i++) {
    // Random bytes, stored: the archive is as large as its content, like compressed plugin payloads.
    zip.addReadStreamLazy(`data/blob-${i}.bin`, { compress: false }, (cb) => cb(null, Readable.from([crypto.randomBytes(ENTRY_BYTES)])));
  }
  zip.end();
  return new Promise((resolve, reject) => zip.outputStream.pipe(fs.createWriteStream(file)).on("close", resolve).on("error", reject));
}

const peakRssMb = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

async function timedDownload(url: string, token: string, sha256: string): Promise<number> {
  const start = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`download answered ${res.status}: ${await res.text()}`);
  const hash = crypto.createHash("sha256");
  for await (const piece of res.body as unknown as AsyncIterable<Uint8Array>) hash.update(piece);
  const ms = performance.now() - start;
  if (hash.digest("hex") !== sha256) throw new Error("the downloaded bytes differ from the signed archive");
  return ms;
}

export async function benchArtifactStore(): Promise<{ rows: StoreRow[]; markdown: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-bench-store-"));
  const dataDir = benchDataDir();
  await freshBenchDatabase();
  const store = await seedStore();
  const pluginId = "com.bench.big";
  const { db, closeDb } = await import("../lib/db");
  const { principalForUser } = await import("../lib/server/auth/resolve-principal");
  const { requestPluginCert } = await import("../lib/server/requests/request-plugin-cert");
  const { approveRequest } = await import("../lib/server/requests/approve-request");
  const { storeArtifactBytes, deleteArtifactBytes } = await import("../lib/server/artifacts/artifact-bytes");
  const client = await db();
  const admin = await principalForUser(client, (await client.user.findFirstOrThrow({ where: { email: "admin@bench.test" } })).id, "token");
  const { request } = await requestPluginCert(admin, "bench", { pluginId });
  await approveRequest(admin, request.id);
  const input = path.join(dir, "big.jpl");
  await writeArchive(input, pluginId);
  const megabytes = fs.statSync(input).size / 1024 / 1024;

  const server = spawn(process.execPath, [path.join(ROOT, "scripts", "start.mjs")], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(PORT), SIGNET_WORKERS: "1", NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  server.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  const base = `http://127.0.0.1:${PORT}`;
  try {
    await waitFor(`${base}/api/v1/health`, 600_000);
    const worker = Number(/worker (\d+) \(slot 0\) ready/.exec(output)![1]);
    const atStart = peakRssMb(worker);
    const upStart = performance.now();
    const res = await fetch(`${base}/api/v1/orgs/bench/plugins/${pluginId}/artifacts`, {
      method: "POST",
      headers: { authorization: `Bearer ${store.orgAdminToken}`, "content-type": "application/zip", "content-length": String(fs.statSync(input).size) },
      body: Readable.toWeb(fs.createReadStream(input)) as ReadableStream,
      duplex: "half",
    } as RequestInit);
    const artifact = (await res.json()) as { id: string; sha256: string; downloadUrl: string };
    const uploadMs = performance.now() - upStart;
    if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${JSON.stringify(artifact)}`);
    const afterUpload = peakRssMb(worker);

    const fromDb: number[] = [];
    for (let i = 0; i < DOWNLOADS; i++) fromDb.push(await timedDownload(`${base}${artifact.downloadUrl}`, store.orgAdminToken, artifact.sha256));
    const afterDownload = peakRssMb(worker);

    // The same artifact as a file under the server's data dir, its row marked "file": the old path.
    const row = await client.artifact.findUniqueOrThrow({ where: { id: artifact.id }, select: { storagePath: true, size: true } });
    const file = path.join(dataDir, row.storagePath);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const signedCopy = path.join(dir, "signed.jpl");
    const { readArtifactBytes } = await import("../lib/server/artifacts/artifact-bytes");
    await new Promise<void>((resolve, reject) => readArtifactBytes(artifact.id, Number(row.size)).on("error", reject).pipe(fs.createWriteStream(signedCopy)).on("close", () => resolve()).on("error", reject));
    fs.copyFileSync(signedCopy, file);
    await client.artifact.update({ where: { id: artifact.id }, data: { storage: "file" } });
    const fromDisk: number[] = [];
    for (let i = 0; i < DOWNLOADS; i++) fromDisk.push(await timedDownload(`${base}${artifact.downloadUrl}`, store.orgAdminToken, artifact.sha256));

    // The upload's storage step both ways, on the signed bytes.
    const probeId = `bench-${crypto.randomUUID()}`;
    const writeStart = performance.now();
    await storeArtifactBytes(probeId, signedCopy);
    const dbWriteMs = performance.now() - writeStart;
    await deleteArtifactBytes(probeId);
    const renamed = path.join(path.dirname(file), `${probeId}.jpl`);
    fs.copyFileSync(signedCopy, `${renamed}.partial`);
    const renameStart = performance.now();
    fs.renameSync(`${renamed}.partial`, renamed);
    const renameMs = performance.now() - renameStart;
    fs.rmSync(renamed, { force: true });

    const best = (xs: number[]) => Math.min(...xs);
    const mbps = (ms: number) => megabytes / (ms / 1000);
    const diskUploadMs = uploadMs - dbWriteMs + renameMs;
    const rows: StoreRow[] = [
      { step: `upload + sign + store (MB/s; disk = estimated: less the database write of ${dbWriteMs.toFixed(0)} ms, plus a rename)`, disk: mbps(diskUploadMs), database: mbps(uploadMs), ratio: diskUploadMs / uploadMs, peakRssMb: afterUpload },
      { step: `download (MB/s, best of ${DOWNLOADS}, same server both ways)`, disk: mbps(best(fromDisk)), database: mbps(best(fromDb)), ratio: best(fromDisk) / best(fromDb), peakRssMb: afterDownload },
    ];
    const markdown = `${table(
      ["~" + megabytes.toFixed(0) + " MB archive", "local disk", "PostgreSQL", "PostgreSQL / disk", `server peak RSS (MB), ≤ ${RSS_BUDGET_MB}?`],
      rows.map((r) => [r.step, r.disk, r.database, r.ratio, `${r.peakRssMb.toFixed(0)} ${r.peakRssMb <= RSS_BUDGET_MB ? "yes" : "NO"}`]),
    )}\n\nThe worker's peak RSS after start-up, before any archive: ${atStart.toFixed(0)} MB. Target: PostgreSQL at ≥ 0.80 of the disk speed, peak RSS ≤ ${RSS_BUDGET_MB} MB.`;
    return { rows, markdown };
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once("exit", r)));
    await closeDb();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
