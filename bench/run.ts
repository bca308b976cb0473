// `npm run bench`: every benchmark against its peer on this machine, printed and written as
// Markdown to bench/results/latest.md. Needs the PostgreSQL server (BENCH_DATABASE_URL, default
// postgresql://postgres@127.0.0.1:5432/signet_bench, created and reset), openssl, wrk and ab.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchArtifactStore } from "./artifact-store";
import { benchCrl } from "./crl";
import { benchOcsp } from "./ocsp";
import { benchDataDir } from "./seed-pki";
import { benchSignArchive } from "./sign-archive";

const dataDir = benchDataDir();
const only = new Set(process.argv.slice(2));
const want = (name: string) => only.size === 0 || only.has(name);
const sections: string[] = [`# Signet benchmarks\n\n${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString()}\n`];
const emit = (title: string, markdown: string) => {
  const section = `## ${title}\n\n${markdown}\n`;
  console.log(section);
  sections.push(section);
};

if (want("ocsp")) emit("OCSP responder (Signet vs openssl ocsp -index, one process and one per core)", (await benchOcsp()).markdown);
if (want("store")) emit("Signed archives in PostgreSQL vs on local disk (upload, download, server RSS)", (await benchArtifactStore()).markdown);
if (want("crl")) emit("CRL build (Signet vs openssl ca -gencrl)", (await benchCrl()).markdown);
if (want("sign")) emit("Archive signing (2,000 entries, ~100 MB)", (await benchSignArchive()).markdown);

const out = path.join(import.meta.dirname, "results", "latest.md");
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, sections.join("\n"));
console.log(`Written to ${path.relative(process.cwd(), out)}`);
fs.rmSync(dataDir, { recursive: true, force: true });
