// The machine's limit for the same work, measured in the same run: SHA-512 over every entry's bytes
// plus one RSA PKCS#1 v1.5 signature per entry, split over all cores with worker threads, contents
// already in memory (no ZIP reading or writing at all). Prints the time in ms.
import crypto from "node:crypto";
import os from "node:os";
import { Worker } from "node:worker_threads";
import fs from "node:fs";
import { entryContent } from "./archive-content";

const [keyPath, countArg, sizeArg] = process.argv.slice(2);
const count = Number(countArg);
const size = Number(sizeArg);
const threads = os.availableParallelism();
const key = crypto.createPrivateKey(fs.readFileSync(keyPath));
// Contents are generated before the clock starts: the limit is hashing and signing only.
const shares = Array.from({ length: threads }, (_, t) => Array.from({ length: count }, (_, i) => i).filter((i) => i % threads === t).map((i) => entryContent(i, size)));
const source = `
const { parentPort, workerData } = require("node:worker_threads");
const crypto = require("node:crypto");
parentPort.on("message", ({ key }) => {
  for (const content of workerData) crypto.sign("sha512", content, key);
  parentPort.postMessage("done");
});
parentPort.postMessage("ready");`;
// The clock starts once every worker has its share deserialized and is listening.
const workers = await Promise.all(shares.map((share) => new Promise<Worker>((resolve) => {
  const w = new Worker(source, { eval: true, workerData: share });
  w.once("message", () => resolve(w));
})));
const start = performance.now();
await Promise.all(workers.map((w) => new Promise((resolve) => {
  w.once("message", resolve);
  w.postMessage({ key });
})));
const ms = performance.now() - start;
await Promise.all(workers.map((w) => w.terminate()));
process.stdout.write(`${ms.toFixed(0)}\n`);
