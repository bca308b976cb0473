import fs from "node:fs";
import type crypto from "node:crypto";
import { parseArgs } from "node:util";
import { env } from "../../lib/env";
import { checkpointPublicKeyFromPem, checkpointShapeProblem, checkpointSignatureProblem, type Checkpoint } from "../../lib/pki/audit/checkpoint";
import type { AuditChainReport } from "../../lib/server/audit/audit-chain-walk";
import { readLiveServerLock } from "../../lib/server/startup/server-lock";
import { assertDatabaseAvailable } from "../db-guard";
import { CliError, printJson } from "../io";
import { fetchCapped, rebase } from "../revocation-client";

export const usage =
  "signet audit verify [--checkpoint FILE] [--key KEY.pem] [--url BASE_URL] [--json]   (exit 0 intact and extends the checkpoint, 1 not)\n" +
  "  signet audit checkpoint [--url BASE_URL] [--out FILE]   (a signed checkpoint of the head, to keep outside the database)\n" +
  "      --url or a running server holding the embedded database: read over HTTP with SIGNET_TOKEN (an operator API token)";

const MAX_CHECKPOINT_BYTES = 64 * 1024;
const PAGE = 500;

/** Where to read the chain: the database here, or a server (given, or the one holding the embedded database). */
function source(url: string | undefined): { baseUrl?: string } {
  if (url) {
    if (!/^https?:\/\//.test(url)) throw new CliError("--url must be an http(s) URL", 2);
    return { baseUrl: url.replace(/\/+$/, "") };
  }
  if (!env().databaseUrl) {
    const server = readLiveServerLock();
    if (server) return { baseUrl: server.url };
  }
  assertDatabaseAvailable();
  return {};
}

function readCheckpoint(file: string): Checkpoint {
  let value: unknown;
  try {
    const stat = fs.statSync(file);
    if (stat.size > MAX_CHECKPOINT_BYTES) throw new Error(`larger than ${MAX_CHECKPOINT_BYTES} bytes`);
    value = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new CliError(`--checkpoint ${file}: ${err instanceof Error ? err.message : String(err)}`, 2);
  }
  const problem = checkpointShapeProblem(value);
  if (problem) throw new CliError(`--checkpoint ${file}: ${problem}`, 2);
  return value as Checkpoint;
}

async function getJson<T>(baseUrl: string, path: string, token?: string): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
  return JSON.parse(Buffer.from(await fetchCapped(rebase(`http://x${path}`, baseUrl), { headers }, 16 * 1024 * 1024)).toString("utf8")) as T;
}

/** The key that checks a saved checkpoint: --key, else derived from the master key here, else the server's published one. */
async function checkpointVerifyKey(keyFile: string | undefined, baseUrl: string | undefined, notes: string[]): Promise<crypto.KeyObject> {
  if (keyFile) {
    try {
      return checkpointPublicKeyFromPem(fs.readFileSync(keyFile, "utf8"));
    } catch (err) {
      throw new CliError(`--key ${keyFile}: ${err instanceof Error ? err.message : String(err)}`, 2);
    }
  }
  const { derivedPublicKeyIfPresent } = await import("../../lib/server/keys/purpose-key");
  const derived = derivedPublicKeyIfPresent("audit-checkpoint");
  if (derived) return derived;
  if (!baseUrl) throw new CliError("No master key here to derive the checkpoint key from: give the store's checkpoint key with --key KEY.pem", 2);
  const published = await getJson<{ publicKeyPem: string }>(baseUrl, "/audit/checkpoint/key");
  notes.push(`checked the checkpoint with the key ${baseUrl} publishes now (pass --key to use the one you saved)`);
  return checkpointPublicKeyFromPem(published.publicKeyPem);
}

type ApiEvent = { seq: string; at: string; actor: string; actorId: string | null; action: string; subjectType: string; subjectId: string | null; orgId: string | null; outcome: string; details: unknown; prevHash: string; hash: string };

async function verifyOverHttp(baseUrl: string, checkpoint: { seq: bigint; headHash: string } | undefined): Promise<AuditChainReport> {
  const token = env().cliToken;
  if (!token) throw new CliError(`Reading the audit log from ${baseUrl} needs an operator API token in SIGNET_TOKEN`, 2);
  const { AuditChainWalk } = await import("../../lib/server/audit/audit-chain-walk");
  const walk = new AuditChainWalk(checkpoint);
  let after = "0";
  for (;;) {
    const page = await getJson<{ events: ApiEvent[]; nextAfter: string | null }>(baseUrl, `/api/v1/audit?after=${after}&limit=${PAGE}`, token).catch((err: unknown) => {
      throw new CliError(`Could not read the audit log from ${baseUrl}: ${err instanceof Error ? err.message : String(err)}`);
    });
    for (const e of page.events) {
      const event = { seq: BigInt(e.seq), createdAt: new Date(e.at), actorId: e.actorId, actorLabel: e.actor, action: e.action, subjectType: e.subjectType, subjectId: e.subjectId, orgId: e.orgId, outcome: e.outcome, details: e.details, prevHash: e.prevHash, hash: e.hash };
      if (!walk.push(event)) return walk.finish();
    }
    if (!page.nextAfter || page.events.length === 0) return walk.finish();
    after = page.nextAfter;
  }
}

async function verify(rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    options: { json: { type: "boolean", default: false }, checkpoint: { type: "string" }, key: { type: "string" }, url: { type: "string" } },
    strict: true,
  });
  const notes: string[] = [];
  const saved = values.checkpoint ? readCheckpoint(values.checkpoint) : undefined;
  const { baseUrl } = source(values.url);
  if (saved) {
    const problem = checkpointSignatureProblem(saved, await checkpointVerifyKey(values.key, baseUrl, notes));
    if (problem) {
      const report = { valid: false, events: 0, problem: `checkpoint ${values.checkpoint} refused: ${problem}`, notes };
      if (values.json) printJson(report);
      else process.stdout.write(`Audit checkpoint REFUSED: ${problem}.\n`);
      return 1;
    }
  }
  const target = saved ? { seq: BigInt(saved.seq), headHash: saved.headHash } : undefined;
  let report: AuditChainReport;
  if (baseUrl) {
    report = await verifyOverHttp(baseUrl, target);
    notes.push(`read the audit log from ${baseUrl}`);
  } else {
    const { db } = await import("../../lib/db");
    const { verifyAuditChain } = await import("../../lib/server/audit/verify-audit-chain");
    report = await verifyAuditChain(await db(), { checkpoint: target });
  }
  if (values.json) printJson({ ...report, notes });
  else {
    const lines = report.valid
      ? [`Audit chain intact: ${report.events} events verified${report.head ? `, head ${report.head.seq} ${report.head.hash}` : ""}.`]
      : [`Audit chain BROKEN at event ${report.brokenAt}: ${report.problem} (${report.events} events verified before it).`];
    if (saved && report.valid) lines.push(`It extends the checkpoint of event ${saved.seq} (${saved.time}, key ${saved.keyId}).`);
    for (const n of notes) lines.push(`note: ${n}`);
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  return report.valid ? 0 : 1;
}

async function checkpoint(rest: string[]): Promise<number> {
  const { values } = parseArgs({ args: rest, options: { url: { type: "string" }, out: { type: "string" } }, strict: true });
  const { baseUrl } = source(values.url);
  let cp: Checkpoint;
  if (baseUrl) cp = await getJson<Checkpoint>(baseUrl, "/audit/checkpoint");
  else {
    const { checkpointAuditHead } = await import("../../lib/server/audit/audit-checkpoint");
    cp = await checkpointAuditHead().catch((err: unknown) => {
      throw new CliError(err instanceof Error ? err.message : String(err));
    });
  }
  const text = `${JSON.stringify(cp, null, 2)}\n`;
  if (values.out) fs.writeFileSync(values.out, text);
  else process.stdout.write(text);
  return 0;
}

export async function auditCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "verify") return verify(rest);
  if (sub === "checkpoint") return checkpoint(rest);
  throw new CliError(`usage: ${usage}`, 2);
}
