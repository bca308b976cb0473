import fs from "node:fs";
import { parseArgs } from "node:util";
import { certificatesFromPem } from "../../lib/pki/chain/parse-certificate";
import { ArchiveError } from "../../lib/pki/jpl/archive-error";
import { verifyPluginArchive, type VerificationReport } from "../../lib/pki/jpl/verify-plugin-archive";
import { CliError, printJson } from "../io";
import { fetchStoreRoots, networkArtifactStatus, networkCertificateStatus } from "../revocation-client";

export const usage = "signet verify ARCHIVE [--root ROOT.pem]... [--url BASE_URL] [--offline] [--signature FILE.p7s] [--json]";

function readRoots(files: string[]): Uint8Array[] {
  return files.flatMap((file) => {
    try {
      return certificatesFromPem(fs.readFileSync(file, "utf8"), 50);
    } catch (err) {
      throw new CliError(`--root ${file}: ${err instanceof Error ? err.message : String(err)}`, 2);
    }
  });
}

const PAD = 10;

export function formatReport(report: VerificationReport): string {
  const lines = [`${report.pluginId}${report.version ? ` ${report.version}` : ""}  sha256 ${report.sha256}`, "", "Files:"];
  for (const f of report.files) lines.push(`  ${f.state.padEnd(PAD)}${f.path}${f.detail && f.state !== "valid" ? `  (${f.detail})` : ""}`);
  lines.push("", "Chain:");
  for (const c of report.chain) {
    const revocation = c.revocation ? ` ${c.revocation.reason ?? ""}${c.revocation.revokedAt ? ` since ${c.revocation.revokedAt}` : ""}` : "";
    lines.push(`  ${c.status.padEnd(13)}${c.subject}  serial ${c.serial}${revocation}${c.source ? `  [${c.source}]` : ""}${c.detail ? `  (${c.detail})` : ""}`);
  }
  if (report.chain.length === 0) lines.push("  (none)");
  lines.push("", `Artifact: ${!report.artifactChecked ? "revocation not checked" : report.artifactRevoked ? `REVOKED${report.artifactRevocation?.reason ? `: ${report.artifactRevocation.reason}` : ""}` : "not revoked"}`);
  if (report.cms) lines.push(`Detached signature: ${report.cms.valid ? `valid${report.cms.signingTime ? ` (signed ${report.cms.signingTime})` : ""}` : "INVALID"}`);
  lines.push("", report.valid ? "Result: VALID" : "Result: INVALID");
  for (const p of report.problems) lines.push(`  - ${p}`);
  for (const n of report.notes) lines.push(`  note: ${n}`);
  return `${lines.join("\n")}\n`;
}

export async function verifyCommand(argv: string[], now = new Date()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      root: { type: "string", multiple: true },
      url: { type: "string" },
      offline: { type: "boolean", default: false },
      signature: { type: "string" },
      json: { type: "boolean", default: false },
    },
    strict: true,
  });
  const [archive] = positionals;
  if (!archive || positionals.length > 1) throw new CliError(`usage: ${usage}`, 2);
  if (!fs.existsSync(archive)) throw new CliError(`${archive}: no such file`, 2);
  const baseUrl = values.url?.replace(/\/+$/, "");
  if (baseUrl && !/^https?:\/\//.test(baseUrl)) throw new CliError("--url must be an http(s) URL", 2);
  const notes: string[] = [];
  let trustedRoots = readRoots(values.root ?? []);
  if (trustedRoots.length === 0) {
    if (!baseUrl || values.offline) throw new CliError("Give the trusted root with --root ROOT.pem (or --url BASE_URL to trust the roots that store publishes)", 2);
    trustedRoots = await fetchStoreRoots(baseUrl).catch((err) => {
      throw new CliError(`Could not fetch the store's roots from ${baseUrl}: ${err instanceof Error ? err.message : String(err)}`);
    });
    notes.push(`trusted the root CA(s) published by ${baseUrl}`);
  }
  const signaturePath = values.signature ?? (fs.existsSync(`${archive}.p7s`) ? `${archive}.p7s` : undefined);
  const detachedSignature = signaturePath ? fs.readFileSync(signaturePath) : undefined;
  let report: VerificationReport;
  try {
    report = await verifyPluginArchive(archive, {
      trustedRoots,
      now,
      detachedSignature,
      ...(values.offline ? {} : { certificateStatus: networkCertificateStatus({ baseUrl, now }) }),
      ...(values.offline ? {} : { artifactStatus: networkArtifactStatus(baseUrl) }),
    });
  } catch (err) {
    if (err instanceof ArchiveError) throw new CliError(`${archive}: ${err.message} [${err.code}]`);
    throw err;
  }
  report.notes.push(...notes);
  if (values.json) printJson(report);
  else process.stdout.write(formatReport(report));
  return report.valid ? 0 : 1;
}
