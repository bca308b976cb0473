// One production CRL issuance (lib/server/revocation/publish-crl) in a process of its own, so
// GNU time measures exactly its wall time and peak RSS. Prints the in-process time in ms.
import fs from "node:fs";
import { closeDb } from "../lib/db";
import { publishCrl } from "../lib/server/revocation/publish-crl";

const [caId, outPath] = process.argv.slice(2);
const start = performance.now();
const crl = await publishCrl(caId);
const ms = performance.now() - start;
fs.writeFileSync(outPath, crl.der);
await closeDb();
process.stdout.write(`${ms.toFixed(0)}\n`);
