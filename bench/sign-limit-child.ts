// The machine's limit for the same work, measured in the same run, contents already in memory (no
// archive reading or writing at all). Prints the time in ms.
//   KEY COUNT SIZE      the .jpl: SHA-512 over every entry's bytes plus one RSA PKCS#1 v1.5 signature
//                       per entry, split over all cores with worker threads
//   KEY --file FILE     a store format: one SHA-256 pass over FILE's bytes and one signature by KEY
//                       (what any signer of that format must at least do: hash what the host hashes, sign once)
import crypto from "node:crypto";
import os from "node:os";
import { Worker } from "node:worker_threads";
import fs from "node:fs";
import { entryContent } from "./archive-content";

const [keyPath, countArg, sizeArg] = process.argv.slice(2);
const key = crypto.createPrivateKey(fs.readFileSync(keyPath));

if (countArg === "--file") {
  const bytes = fs.readFileSync(sizeArg);
  const start = performance.now();
  const digest = crypto.createHash("sha256").update(bytes).digest();
  crypto.sign(key.asymmetricKeyType === "rsa" ? "sha256" : null, digest, key.asymmetricKeyType === "rsa" ? key : { key, dsaEncoding: "ieee-p1363" });
  process.stdout.write(`${(performance.now() - start).toFixed(0)}\n`);
  process.exit(0);
}

const count = Number(countArg);
const size = Number(sizeArg);
const threads = os.availableParallelism();
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
