// `npm run bench`: every benchmark against its peer on this machine, printed and written as
// Markdown to bench/results/latest.md (`npm run bench -- ocsp|crl|sign|targets` runs some of them). Needs the PostgreSQL server (BENCH_DATABASE_URL, default
// postgresql://postgres@127.0.0.1:5432/signet_bench, created and reset), openssl, wrk and ab.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchArtifactStore } from "./artifact-store";
import { benchCrl } from "./crl";
import { benchLists } from "./lists";
import { benchOcsp } from "./ocsp";
import { benchDataDir } from "./seed-pki";
import { benchSignArchive, benchSignTargets } from "./sign-archive";

const dataDir = benchDataDir();
const only = new Set(process.argv.slice(2));
const want = (name: string) => only.size === 0 || only.has(name);
const sections: string[] = [`# Signet benchmarks\n\n${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString()}\n`];
const emit = (title: string, markdown: string) => {
  const section = `## ${title}\n\n_measured ${new Date().toISOString()}_\n\n${markdown}\n`;
  console.log(section);
  sections.push(section);
};

if (want("ocsp")) emit("OCSP responder (Signet vs openssl ocsp -index, one process and one per core)", (await benchOcsp()).markdown);
if (want("store")) emit("Signed archives in PostgreSQL vs on local disk (upload, download, server RSS)", (await benchArtifactStore()).markdown);
if (want("crl")) emit("CRL build (Signet vs openssl ca -gencrl)", (await benchCrl()).markdown);
if (want("sign")) emit("Archive signing (2,000 entries, ~100 MB)", (await benchSignArchive()).markdown);
if (want("sign") || want("targets")) emit("Store-format signing per target (~100 MB upload each, against its limit)", (await benchSignTargets()).markdown);
if (want("lists")) emit("Console lists (100,000 certificates, 10,000 requests)", (await benchLists()).markdown);

const out = path.join(import.meta.dirname, "results", "latest.md");
fs.mkdirSync(path.dirname(out), { recursive: true });
// A partial run (`npm run bench -- targets`) replaces only its own sections of latest.md and keeps the
// others, each of which says when it was measured.
if (only.size > 0 && fs.existsSync(out)) {
  const [header, ...previous] = fs.readFileSync(out, "utf8").split(/\n(?=## )/);
  const headerTime = /\d{4}-\d\d-\d\dT[\d:.]+Z/.exec(header)?.[0];
  const titleOf = (section: string) => section.split("\n")[0];
  const fresh = new Set(sections.slice(1).map(titleOf));
  for (const old of previous) {
    if (fresh.has(titleOf(old))) continue;
    const dated = old.includes("\n_measured ") || !headerTime ? old : old.replace("\n\n", `\n\n_measured ${headerTime}_\n\n`);
    sections.push(dated.trimEnd() + "\n");
  }
}
fs.writeFileSync(out, sections.join("\n"));
console.log(`Written to ${path.relative(process.cwd(), out)}`);
fs.rmSync(dataDir, { recursive: true, force: true });
