// Offline signing for organizations that hold their plugin key: the same formats the server writes
// (FORMATS.md), the `.jpl` with its Jami signatures and `<out>.p7s` beside it.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { certificatesFromPem } from "../../lib/pki/chain/parse-certificate";
import { createDetachedSignature } from "../../lib/pki/cms/signed-data";
import { ArchiveError } from "../../lib/pki/jpl/archive-error";
import { signArchive } from "../../lib/pki/jpl/sign-archive";
import { softwareSigner } from "../../lib/pki/signer";
import { readPrivateKey } from "../private-key";
import { CliError, printJson } from "../io";

export const usage = "signet sign ARCHIVE --key plugin.key --chain chain.pem [--out signed.jpl] [--json]";

const MAX_PEM_BYTES = 256 * 1024;

function readSmall(file: string, what: string): string {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) throw new CliError(`${what} ${file}: no such file`, 2);
  if (stat.size > MAX_PEM_BYTES) throw new CliError(`${what} ${file} is larger than ${MAX_PEM_BYTES} bytes`, 2);
  return fs.readFileSync(file, "utf8");
}

export async function signCommand(argv: string[], now = new Date()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { key: { type: "string" }, chain: { type: "string" }, out: { type: "string" }, json: { type: "boolean", default: false } },
    strict: true,
  });
  const [archive] = positionals;
  if (!archive || positionals.length > 1 || !values.key || !values.chain) throw new CliError(`usage: ${usage}`, 2);
  if (!fs.existsSync(archive)) throw new CliError(`${archive}: no such file`, 2);
  const privateKey = readPrivateKey(readSmall(values.key, "--key"), `--key ${values.key}`);
  let chainDer: Uint8Array[];
  try {
    chainDer = certificatesFromPem(readSmall(values.chain, "--chain"));
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`--chain ${values.chain}: ${err instanceof Error ? err.message : String(err)}`, 2);
  }
  const out = values.out ?? path.join(path.dirname(archive), `${path.basename(archive, path.extname(archive))}.signed.jpl`);
  const p7sPath = `${out}.p7s`;
  if (fs.existsSync(out) || fs.existsSync(p7sPath)) throw new CliError(`${out} or ${p7sPath} already exists; choose another --out`, 2);
  try {
    const signed = await signArchive({ inputPath: archive, outputPath: out, privateKey, chainDer, now });
    // `<id>.crt` and the CMS carry the chain as given: plugin certificate first, the root optional (FORMATS.md §1).
    const p7s = await createDetachedSignature({ contentSha256: signed.sha256, certificatesDer: chainDer, signer: softwareSigner(privateKey), signingTime: now });
    fs.writeFileSync(p7sPath, p7s, { flag: "wx" });
    const summary = { pluginId: signed.manifest.id, version: signed.manifest.version, out, signature: p7sPath, sha256: Buffer.from(signed.sha256).toString("hex"), files: signed.files.length };
    if (values.json) printJson(summary);
    else process.stdout.write(`Signed ${summary.pluginId} ${summary.version} (${summary.files} entries)\n  ${out}\n  ${p7sPath}\n  sha256 ${summary.sha256}\n`);
    return 0;
  } catch (err) {
    fs.rmSync(out, { force: true });
    if (err instanceof ArchiveError) throw new CliError(`${archive}: ${err.message} [${err.code}]`);
    throw err;
  }
}
