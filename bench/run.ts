// `npm run bench`: every benchmark, one Markdown table each, on this machine.
import os from "node:os";
import { benchCrl } from "./crl";
import { benchSignArchive } from "./sign-archive";

console.log(`# Signet benchmarks — ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}\n`);
console.log("## Archive signing (2,000 entries, ~100 MB)\n");
console.log((await benchSignArchive()).markdown, "\n");
console.log("## CRL build\n");
console.log((await benchCrl()).markdown);
