import fs from "node:fs";
import { parseArgs } from "node:util";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Name } from "@peculiar/asn1-x509";
import { nameToString } from "../../lib/pki/certificate/names";
import { certificatesFromPem } from "../../lib/pki/chain/parse-certificate";
import { fromPem } from "../../lib/pki/certificate/pem";
import { crlIssuerDer, statusFromCrls, type CrlFile } from "../../lib/pki/status/crl-status";
import { ArchiveError } from "../../lib/pki/jpl/archive-error";
import { verifyPluginArchive, type VerificationReport } from "../../lib/pki/jpl/verify-plugin-archive";
import { detectStoreFormat, verifyStoreArtifact, type StoreFormat, type StoreVerificationReport, type StoreVerifyKey } from "../../lib/pki/targets/verify-store-artifact";
import { readOpenPgpPublicKeys } from "../../lib/pki/openpgp/read-public-key";
import { OpenPgpError } from "../../lib/pki/openpgp/packets";
import { parseDifyPublicKeyFile } from "../../lib/pki/dify/key-file";
import { parseMenderPublicKeyFile } from "../../lib/pki/mender/key-file";
import { CliError, printJson } from "../io";
import { fetchStoreRoots, networkArtifactStatus, networkCertificateStatus } from "../revocation-client";

export const usage =
  "signet verify ARCHIVE [--root ROOT.pem]... [--url BASE_URL] [--offline] [--crl FILE]... [--signature FILE.p7s] [--json]\n" +
  "      [--target jami|mattermost|grafana|dify|mender] [--key STORE_KEY]... [--store-signature BUNDLE.sig] [--app-url GRAFANA_ROOT_URL]\n" +
  "      (the target is recognized from the file when not given; a store format is checked with the --key files from the store's\n" +
  "      /trust page: .asc for Mattermost and Grafana, the PKCS#1 RSA PUBLIC KEY .pem for Dify, the SPKI PUBLIC KEY .pem for Mender)\n" +
  "      exit 0 valid, revocation checked (OCSP/CRL online, or --crl for every certificate); 1 invalid (tampered, untrusted,\n" +
  "      revoked, status unknown); 2 usage; 3 signatures and chain valid but revocation NOT checked (--offline without --crl)";

/** Exit status of `signet verify` when everything that was checked holds but revocation was not checked. */
export const EXIT_REVOCATION_UNCHECKED = 3;

function readCrls(files: string[]): CrlFile[] {
  return files.map((file) => {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (err) {
      throw new CliError(`--crl ${file}: ${err instanceof Error ? err.message : String(err)}`, 2);
    }
    const text = bytes.subarray(0, 64).toString("latin1");
    const blocks = text.includes("-----BEGIN") ? fromPem(bytes.toString("latin1"), "X509 CRL") : [new Uint8Array(bytes)];
    if (blocks.length !== 1) throw new CliError(`--crl ${file}: expected one DER CRL or one PEM "X509 CRL" block, found ${blocks.length}`, 2);
    try {
      crlIssuerDer(blocks[0]);
    } catch (err) {
      throw new CliError(`--crl ${file}: not a CRL (${err instanceof Error ? err.message : String(err)})`, 2);
    }
    return { name: file, der: blocks[0] };
  });
}

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

export function formatReport(report: VerificationReport | StoreVerificationReport): string {
  const lines = [`${"target" in report ? `[${report.target}] ` : ""}${report.pluginId}${report.version ? ` ${report.version}` : ""}  sha256 ${report.sha256}`, "", "Files:"];
  for (const f of report.files) lines.push(`  ${f.state.padEnd(PAD)}${f.path}${f.detail && f.state !== "valid" ? `  (${f.detail})` : ""}`);
  lines.push("", "Chain:");
  for (const c of report.chain) {
    const revocation = c.revocation ? ` ${c.revocation.reason ?? ""}${c.revocation.revokedAt ? ` since ${c.revocation.revokedAt}` : ""}` : "";
    lines.push(`  ${c.status.padEnd(13)}${c.subject}  serial ${c.serial}${revocation}${c.source ? `  [${c.source}]` : ""}${c.detail ? `  (${c.detail})` : ""}`);
  }
  if (report.chain.length === 0) lines.push("  (none)");
  lines.push("", `Artifact: ${!report.artifactChecked ? "revocation not checked" : report.artifactRevoked ? `REVOKED${report.artifactRevocation?.reason ? `: ${report.artifactRevocation.reason}` : ""}` : "not revoked"}`);
  if ("store" in report) lines.push(`${report.target} signature: ${report.store.valid ? `valid (key ${report.store.keyIds.join(", ")})` : `INVALID${report.store.detail ? ` (${report.store.detail})` : ""}`}`);
  if (report.cms) lines.push(`Detached signature: ${report.cms.valid ? `valid${report.cms.signingTime ? ` (signed ${report.cms.signingTime})` : ""}` : "INVALID"}`);
  lines.push("", !report.valid ? "Result: INVALID" : report.revocationChecked ? "Result: VALID" : "Result: VALID SIGNATURES AND CHAIN, REVOCATION NOT CHECKED");
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
      crl: { type: "string", multiple: true },
      signature: { type: "string" },
      target: { type: "string" },
      key: { type: "string", multiple: true },
      "store-signature": { type: "string" },
      "app-url": { type: "string" },
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
  const crls = readCrls(values.crl ?? []);
  const TARGETS = ["jami", "mattermost", "grafana", "dify", "mender"] as const;
  if (values.target !== undefined && !(TARGETS as readonly string[]).includes(values.target)) throw new CliError(`--target must be ${TARGETS.slice(0, -1).join(", ")} or mender (not ${values.target})`, 2);
  const detected = values.target === "jami" ? undefined : ((values.target as StoreFormat | undefined) ?? (await detectStoreFormat(archive)));
  const target = detected;
  const signaturePath = values.signature ?? (fs.existsSync(`${archive}.p7s`) ? `${archive}.p7s` : undefined);
  let trustedRoots = readRoots(values.root ?? []);
  // A store format checks its own signature with --key; the roots matter only for the .p7s beside it.
  if (trustedRoots.length === 0 && !(target && !signaturePath)) {
    if (!baseUrl || values.offline) throw new CliError("Give the trusted root with --root ROOT.pem (or --url BASE_URL to trust the roots that store publishes)", 2);
    trustedRoots = await fetchStoreRoots(baseUrl).catch((err) => {
      throw new CliError(`Could not fetch the store's roots from ${baseUrl}: ${err instanceof Error ? err.message : String(err)}`);
    });
    notes.push(`trusted the root CA(s) published by ${baseUrl}`);
  }
  const detachedSignature = signaturePath ? fs.readFileSync(signaturePath) : undefined;
  const deps = {
    trustedRoots,
    now,
    detachedSignature,
    // --crl replaces the network for certificates (it is how an offline verifier checks revocation).
    ...(crls.length
      ? { certificateStatus: async (cert: Parameters<typeof statusFromCrls>[1], issuer: Parameters<typeof statusFromCrls>[2]) => statusFromCrls(crls, cert, issuer, now) }
      : values.offline
        ? {}
        : { certificateStatus: networkCertificateStatus({ baseUrl, now }) }),
    ...(values.offline ? {} : { artifactStatus: networkArtifactStatus(baseUrl) }),
  };
  let report: VerificationReport | StoreVerificationReport;
  try {
    if (target) {
      if (!values.key?.length) throw new CliError(`A ${target} artifact is checked against the store's keys: give --key ${KEY_FILE[target]} (from the store's /trust page)`, 2);
      const keys = values.key.flatMap((file) => {
        try {
          return readStoreKeys(target, fs.readFileSync(file), now);
        } catch (err) {
          throw new CliError(`--key ${file}: ${err instanceof Error ? err.message : String(err)}`, 2);
        }
      });
      const storeSignaturePath = values["store-signature"] ?? (fs.existsSync(`${archive}.sig`) ? `${archive}.sig` : undefined);
      report = await verifyStoreArtifact(archive, { ...deps, target, keys, storeSignature: storeSignaturePath ? fs.readFileSync(storeSignaturePath) : undefined, appUrl: values["app-url"] });
    } else {
      report = await verifyPluginArchive(archive, deps);
    }
  } catch (err) {
    if (err instanceof ArchiveError) throw new CliError(`${archive}: ${err.message} [${err.code}]`);
    if (err instanceof OpenPgpError) throw new CliError(`${archive}: ${err.message}`);
    throw err;
  }
  const issuers = new Set(report.chain.map((c) => c.issuer));
  for (const crl of crls) {
    const issuerName = crlIssuerName(crl.der);
    if (issuerName !== undefined && !issuers.has(issuerName)) notes.push(`--crl ${crl.name} was issued by ${issuerName}, which issued no certificate in this chain: not used`);
  }
  report.notes.push(...notes);
  const exitCode = !report.valid ? 1 : report.revocationChecked ? 0 : EXIT_REVOCATION_UNCHECKED;
  if (values.json) printJson({ ...report, exitCode });
  else process.stdout.write(formatReport(report));
  return exitCode;
}

const KEY_FILE: Record<StoreFormat, string> = { mattermost: "FILE.asc", grafana: "FILE.asc", dify: "FILE.pem (RSA PUBLIC KEY)", mender: "FILE.pem (PUBLIC KEY)" };

/**
 * The keys of one --key file as the target's host reads them. Dify and Mender files are bare keys:
 * they go through the one key validator (lib/pki/keys) before node:crypto reads them, and carry no
 * status (a host trusts every file it lists; a retired key is removed from hosts).
 */
function readStoreKeys(target: StoreFormat, bytes: Buffer, now: Date): StoreVerifyKey[] {
  if (target === "dify" || target === "mender") {
    const text = bytes.toString("latin1");
    const spki = target === "dify" ? parseDifyPublicKeyFile(text) : parseMenderPublicKeyFile(text);
    // A bare key has no OpenPGP creation time; only the OpenPGP formats read createdAt.
    return [{ spki, createdAt: new Date(0), status: "active" }];
  }
  return readOpenPgpPublicKeys(bytes, now).map((k) => ({ ...k, status: k.revokedAt ? "retired" : "active", retiredAt: k.revokedAt }));
}

/** The CRL issuer as the chain entries spell names, to say which --crl file matched nothing. */
function crlIssuerName(der: Uint8Array): string | undefined {
  try {
    return nameToString(AsnConvert.parse(crlIssuerDer(der), Name));
  } catch {
    return undefined;
  }
}
