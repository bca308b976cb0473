// The one verification of a signed plugin archive, shared by the API, the CLI and the /verify page.
// Pure: trust anchors, revocation answers and artifact status come in through the dependencies
// (the server reads its database, the CLI asks OCSP/CRL over the network, --offline passes none).
import crypto from "node:crypto";
import fs from "node:fs";
import { validateChain } from "../chain/validate-chain";
import type { ParsedCertificate } from "../chain/parse-certificate";
import { verifyDetachedSignature } from "../cms/verify-signed-data";
import { DEFAULT_LIMITS, type ArchiveLimits } from "./archive-error";
import { checkArchiveSignatures, type FileResult } from "./check-signatures";
import { SafeArchive } from "./read-archive";

export type CertificateStatus = {
  status: "good" | "revoked" | "unknown";
  reason?: string;
  revokedAt?: string;
  /** Where the answer came from ("database", "ocsp http://…", "crl http://…"). */
  source: string;
  detail?: string;
};

export type ChainEntry = {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  fingerprintSha256: string;
  status: "good" | "revoked" | "unknown" | "unchecked" | "trusted-root";
  revocation?: { reason?: string; revokedAt?: string };
  source?: string;
  detail?: string;
};

export type ArtifactStatus = { revoked: boolean; reason?: string; revokedAt?: string };

export type VerificationReport = {
  valid: boolean;
  pluginId: string;
  version: string;
  sha256: string;
  files: FileResult[];
  chain: ChainEntry[];
  chainTrusted: boolean;
  revocationChecked: boolean;
  artifactRevoked: boolean;
  artifactRevocation: { reason?: string; revokedAt?: string } | null;
  artifactChecked: boolean;
  cms: { valid: boolean; signingTime: string | null; problems: string[] } | null;
  /** Why the archive is not valid (empty when it is). */
  problems: string[];
  /** What was not checked, and why (e.g. --offline). */
  notes: string[];
};

export type VerifyDependencies = {
  trustedRoots: Uint8Array[];
  now: Date;
  /** Live status of `cert` (issued by `issuer`); omit to skip revocation checking (offline). */
  certificateStatus?: (cert: ParsedCertificate, issuer: ParsedCertificate) => Promise<CertificateStatus>;
  /** Whether an artifact with this archive's SHA-256 was revoked; null when unknown to the store. */
  artifactStatus?: (sha256Hex: string, pluginCertificate: ParsedCertificate | undefined) => Promise<ArtifactStatus | null>;
  detachedSignature?: Uint8Array;
  limits?: ArchiveLimits;
};

export async function fileDigests(path: string): Promise<{ sha256: Buffer; sha384: Buffer; sha512: Buffer }> {
  const hashes = { sha256: crypto.createHash("sha256"), sha384: crypto.createHash("sha384"), sha512: crypto.createHash("sha512") };
  for await (const chunk of fs.createReadStream(path)) for (const h of Object.values(hashes)) h.update(chunk as Buffer);
  return { sha256: hashes.sha256.digest(), sha384: hashes.sha384.digest(), sha512: hashes.sha512.digest() };
}

export function describe(cert: ParsedCertificate): Omit<ChainEntry, "status"> {
  return { subject: cert.subject, issuer: cert.issuer, serial: cert.serialHex, notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString(), fingerprintSha256: cert.fingerprintSha256 };
}

/**
 * The chain a signature was made under (leaf first), validated up to the trusted roots, with each
 * certificate's revocation status: shared by every store format (the .jpl's <id>.crt, or the
 * certificates of the detached CMS beside a Mattermost or Grafana artifact).
 */
export async function assessChain(chainDer: Uint8Array[], deps: Pick<VerifyDependencies, "trustedRoots" | "now" | "certificateStatus">) {
  const problems: string[] = [];
  const notes: string[] = [];
  const validation = chainDer.length ? validateChain(chainDer, deps.trustedRoots, deps.now) : undefined;
  if (validation) problems.push(...validation.problems);
  const path_ = validation?.path ?? [];
  const chain: ChainEntry[] = [];
  let revocationFailed = false;
  for (let i = 0; i < path_.length; i++) {
    const cert = path_[i];
    const issuer = path_[i + 1];
    if (validation?.anchored && i === path_.length - 1) {
      chain.push({ ...describe(cert), status: "trusted-root" });
    } else if (!deps.certificateStatus || !issuer || !validation?.anchored) {
      chain.push({ ...describe(cert), status: "unchecked" });
    } else {
      const answer = await deps.certificateStatus(cert, issuer).catch((err): CertificateStatus => ({ status: "unknown", source: "error", detail: err instanceof Error ? err.message : String(err) }));
      chain.push({ ...describe(cert), status: answer.status, source: answer.source, detail: answer.detail, ...(answer.status === "revoked" ? { revocation: { reason: answer.reason, revokedAt: answer.revokedAt } } : {}) });
      if (answer.status === "revoked") problems.push(`${cert.subject} (serial ${cert.serialHex}) is revoked${answer.reason ? ` (${answer.reason})` : ""}${answer.revokedAt ? ` since ${answer.revokedAt}` : ""}`);
      if (answer.status === "unknown") problems.push(`the revocation status of ${cert.subject} is unknown${answer.detail ? `: ${answer.detail}` : ""}`);
      revocationFailed ||= answer.status !== "good";
    }
  }
  if (!deps.certificateStatus) notes.push("revocation status was not checked (offline)");
  const trusted = Boolean(validation?.trusted);
  return { chain, path: path_, trusted, chainOk: trusted && !revocationFailed, problems, notes };
}

export async function verifyPluginArchive(path: string, deps: VerifyDependencies): Promise<VerificationReport> {
  const digests = await fileDigests(path);
  const archive = await SafeArchive.open(path, deps.limits ?? DEFAULT_LIMITS);
  let check;
  try {
    check = await checkArchiveSignatures(archive);
  } finally {
    archive.close();
  }
  const problems = [...check.problems];
  const notes: string[] = [];
  const assessed = await assessChain(check.chainDer, deps);
  problems.push(...assessed.problems);
  notes.push(...assessed.notes);
  const { chain, chainOk } = assessed;
  const path_ = assessed.path;
  const validation = { trusted: assessed.trusted };
  const files = check.files.map((f): FileResult => (f.state === "valid" && !chainOk ? { ...f, state: "invalid", detail: "the certificate chain is not trusted or is revoked" } : f));
  if (files.length === 0) problems.push("the archive has no signed content");
  const bad = files.filter((f) => f.state !== "valid" && f.state !== "invalid");
  for (const f of bad.slice(0, 20)) problems.push(`${f.path}: ${f.state}${f.detail ? ` (${f.detail})` : ""}`);
  if (bad.length > 20) problems.push(`… and ${bad.length - 20} more files not valid`);

  const sha256 = digests.sha256.toString("hex");
  let artifact: ArtifactStatus | null = null;
  if (deps.artifactStatus) {
    try {
      artifact = await deps.artifactStatus(sha256, path_[0]);
    } catch (err) {
      problems.push(`whether this artifact was revoked is unknown: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (artifact?.revoked) problems.push(`this signed artifact was revoked${artifact.reason ? `: ${artifact.reason}` : ""}`);
  } else {
    notes.push("artifact revocation was not checked");
  }

  let cms: VerificationReport["cms"] = null;
  if (deps.detachedSignature) {
    const result = verifyDetachedSignature(deps.detachedSignature, digests);
    const sameSigner = result.signer && check.chainDer[0] && Buffer.from(result.signer.der).equals(Buffer.from(check.chainDer[0]));
    const cmsProblems = [...result.problems, ...(result.signer && !sameSigner ? ["the CMS signer is not the archive's plugin certificate"] : [])];
    cms = { valid: cmsProblems.length === 0, signingTime: result.signingTime?.toISOString() ?? null, problems: cmsProblems };
    problems.push(...cmsProblems.map((p) => `detached signature: ${p}`));
  }
  return {
    valid: problems.length === 0,
    pluginId: check.manifest.id,
    version: check.manifest.version,
    sha256,
    files,
    chain,
    chainTrusted: Boolean(validation?.trusted),
    revocationChecked: Boolean(deps.certificateStatus),
    artifactRevoked: Boolean(artifact?.revoked),
    artifactRevocation: artifact?.revoked ? { reason: artifact.reason, revokedAt: artifact.revokedAt } : null,
    artifactChecked: Boolean(deps.artifactStatus),
    cms,
    problems,
    notes,
  };
}
