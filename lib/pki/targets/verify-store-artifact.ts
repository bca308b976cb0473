// Verifying a Mattermost bundle or a Grafana plugin the way its host does (FORMATS.md §5, §6), with the
// store's keys, and — when the detached CMS is given — the plugin certificate chain, its revocation and the
// artifact's own revocation, exactly as for a .jpl (one report shape for every format).
import { createHash } from "node:crypto";
import fs from "node:fs";
import { DEFAULT_LIMITS } from "../jpl/archive-error";
import { SafeArchive } from "../jpl/read-archive";
import type { FileResult } from "../jpl/check-signatures";
import { assessChain, fileDigests, type ArtifactStatus, type VerificationReport, type VerifyDependencies } from "../jpl/verify-plugin-archive";
import { verifyDetachedSignature } from "../cms/verify-signed-data";
import { checkMattermostBundle } from "../mattermost/check-bundle";
import { verifyGrafanaPlugin } from "../grafana/verify-plugin";
import { OpenPgpError, dearmor } from "../openpgp/packets";
import { openpgpKeyIds, type OpenPgpKeyRef } from "../openpgp/sign";
import { parseSignature, splitSignaturePackets, verifyDetached } from "../openpgp/verify";
import { verifyDifyPackage } from "../dify/verify-package";
import { verifyMenderArtifact } from "../mender/verify-artifact";
import { VERIFICATION_ENTRY } from "../dify/read-package";

export type StoreVerifyKey = OpenPgpKeyRef & { status: string; retiredAt?: Date };

export type StoreFormat = "mattermost" | "grafana" | "dify" | "mender";

export type StoreVerificationReport = VerificationReport & {
  target: StoreFormat;
  /** The store signature's own verdict, as the host reaches it. */
  store: { valid: boolean; keyIds: string[]; detail?: string };
};

export type StoreVerifyInput = Omit<VerifyDependencies, "detachedSignature"> & {
  target: StoreFormat;
  /**
   * Keys a host following this store trusts (next and active; retired ones are refused as revoked). Dify
   * and Mender keys from outside (`signet verify --key`) have been through lib/pki/keys/check-public-key
   * first: node:crypto reads them (some invalid EC keys abort it).
   */
  keys: StoreVerifyKey[];
  /** Mattermost's .sig (binary or armored). */
  storeSignature?: Uint8Array;
  detachedSignature?: Uint8Array;
  /** Grafana's root_url, to check a private manifest's rootUrls. */
  appUrl?: string;
};

const MAX_BUNDLE_IN_MEMORY = 256 * 1024 * 1024;

async function mattermostVerdict(path: string, input: StoreVerifyInput): Promise<{ pluginId: string; version: string; files: FileResult[]; store: StoreVerificationReport["store"] }> {
  const checked = await checkMattermostBundle(fs.createReadStream(path));
  const bundle = { pluginId: checked.id, version: checked.version };
  const names = checked.entries.filter((e) => e.type === "file").map((e) => e.name);
  const all = (state: FileResult["state"], detail?: string) => names.map((p): FileResult => ({ path: p, state, ...(detail ? { detail } : {}) }));
  if (!input.storeSignature) return { ...bundle, files: all("unsigned", "no .sig was given"), store: { valid: false, keyIds: [], detail: "no .sig was given" } };
  let packets: Uint8Array[];
  try {
    const raw = Buffer.from(input.storeSignature);
    packets = splitSignaturePackets(raw.subarray(0, 30).toString("latin1").startsWith("-----BEGIN PGP SIGNATURE-----") ? dearmor("PGP SIGNATURE", raw.toString("utf8")) : raw);
  } catch (err) {
    const detail = `the .sig is not an OpenPGP signature: ${err instanceof Error ? err.message : String(err)}`;
    return { ...bundle, files: all("invalid", detail), store: { valid: false, keyIds: [], detail } };
  }
  const size = (await fs.promises.stat(path)).size;
  if (size > MAX_BUNDLE_IN_MEMORY) throw new OpenPgpError("The bundle is too large to verify here");
  const data = await fs.promises.readFile(path);
  // Mattermost (CheckDetachedSignature) accepts the file when one signature is by a trusted key and holds.
  const failures: string[] = [];
  let matchedKey = false;
  let retired = false;
  for (const packet of packets) {
    let issuer: string | undefined;
    try {
      issuer = parseSignature(packet).issuerKeyId;
    } catch (err) {
      failures.push(err instanceof Error ? err.message : String(err));
      continue;
    }
    const key = input.keys.find((k) => openpgpKeyIds(k).keyId === issuer);
    if (!key) {
      failures.push(`signature by ${issuer ?? "an unnamed key"}, which is not one of the store's keys`);
      continue;
    }
    if (key.retiredAt && key.retiredAt.getTime() <= input.now.getTime()) {
      // Its key file now carries its revocation: a host that re-installs it refuses the signature.
      retired = true;
      failures.push(`signature by ${issuer}, a retired key`);
      continue;
    }
    matchedKey = true;
    try {
      const ok = verifyDetached({ signature: packet, data, key, now: input.now, sigType: 0x00 });
      return { ...bundle, files: all("valid"), store: { valid: true, keyIds: [ok.keyId] } };
    } catch (err) {
      failures.push(`signature by ${issuer}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const detail = failures.join("; ");
  // A signature by a store key that no longer matches the bytes: the bundle was changed after signing.
  return { ...bundle, files: all(matchedKey && !retired ? "modified" : "invalid", detail), store: { valid: false, keyIds: [], detail } };
}

async function grafanaVerdict(path: string, input: StoreVerifyInput) {
  const verdict = await verifyGrafanaPlugin({ zipPath: path, keys: input.keys.map((k) => ({ ...k, revokedAt: k.retiredAt })), appUrl: input.appUrl, now: input.now });
  const archive = await SafeArchive.open(path, input.limits ?? DEFAULT_LIMITS);
  let names: string[];
  try {
    names = archive.entries.filter((e) => !e.isDirectory).map((e) => e.name);
  } finally {
    archive.close();
  }
  const root = `${verdict.pluginId}/`;
  const manifestName = `${root}MANIFEST.txt`;
  const files = names
    .filter((n) => n !== manifestName)
    .map((name): FileResult => {
      const rel = name.slice(root.length);
      if (verdict.status === "valid") return { path: name, state: "valid" };
      if (verdict.status === "unsigned") return { path: name, state: "unsigned", detail: verdict.reason };
      if (verdict.status === "invalid") return { path: name, state: "invalid", detail: verdict.reason };
      if (verdict.files?.changed.includes(rel)) return { path: name, state: "modified", detail: "its hash differs from the manifest's" };
      if (verdict.files?.unlisted.includes(rel)) return { path: name, state: "unsigned", detail: "not listed in MANIFEST.txt" };
      if (!verdict.files) return { path: name, state: "modified", detail: verdict.reason };
      return { path: name, state: "valid" };
    });
  for (const missing of verdict.files?.missing ?? []) files.push({ path: `${root}${missing}`, state: "modified", detail: "listed in MANIFEST.txt but missing" });
  const notes = verdict.rootUrlsChecked === false ? ["the manifest is private: its rootUrls were not checked (give the Grafana root URL: appUrl / --app-url)"] : [];
  return { pluginId: verdict.pluginId, version: verdict.version, files, notes, store: { valid: verdict.status === "valid", keyIds: verdict.keyId ? [verdict.keyId] : [], ...(verdict.reason ? { detail: `${verdict.status}: ${verdict.reason}` } : {}) } };
}

/** Keys a host still trusts: a retired key's file is removed from hosts (Dify and Mender files cannot say "revoked"). */
function liveKeys(input: StoreVerifyInput): Uint8Array[] {
  return input.keys.filter((k) => !(k.retiredAt && k.retiredAt.getTime() <= input.now.getTime())).map((k) => k.spki);
}

/** Dify's daemon verdict is one for the package: every entry shares it. */
async function difyVerdict(path: string, input: StoreVerifyInput) {
  const verdict = await verifyDifyPackage(path, liveKeys(input), input.limits ?? DEFAULT_LIMITS);
  if (verdict.code) throw new OpenPgpError(verdict.problems.join("; ") || `the package is refused (${verdict.code})`);
  const archive = await SafeArchive.open(path, input.limits ?? DEFAULT_LIMITS);
  let names: string[];
  try {
    names = archive.entries.map((e) => e.name);
  } finally {
    archive.close();
  }
  const detail = verdict.problems.join("; ");
  const unsigned = !verdict.valid && verdict.time === undefined;
  const files = names.map((p): FileResult => (verdict.valid ? { path: p, state: "valid" } : { path: p, state: unsigned ? "unsigned" : "invalid", detail }));
  const keyId = verdict.keyIndex !== undefined ? storeKeyId(liveKeys(input)[verdict.keyIndex]) : undefined;
  const category = verdict.authorizedCategory;
  return {
    pluginId: verdict.manifest?.name ?? "",
    version: verdict.manifest?.version ?? "",
    files,
    notes: verdict.valid && !names.includes(VERIFICATION_ENTRY) ? ["no .verification.dify.json: Dify would label the package langgenius"] : category ? [`authorized category: ${category}`] : [],
    store: { valid: verdict.valid, keyIds: keyId ? [keyId] : [], ...(detail ? { detail } : {}) },
  };
}

async function menderVerdict(path: string, input: StoreVerifyInput) {
  const verdict = await verifyMenderArtifact(path, liveKeys(input));
  // A checksum that no longer holds: the host refuses the artifact; the report names the changed file
  // (mender-artifact stops at the first one too) or the file the manifest does not list.
  if ((verdict.code === "checksum_mismatch" || verdict.code === "unlisted_member") && verdict.entry) {
    const detail = verdict.problems.join("; ");
    const file: FileResult = { path: verdict.entry, state: verdict.code === "checksum_mismatch" ? "modified" : "unsigned", detail };
    return { pluginId: "", version: "", files: [file], notes: [] as string[], store: { valid: false, keyIds: [], detail } };
  }
  if (verdict.code) throw new OpenPgpError(verdict.problems.join("; ") || `the artifact is refused (${verdict.code})`);
  const names = (verdict.artifact?.payloads ?? []).flatMap((p) => p.files.map((f) => `${p.member}/${f.name}`));
  const detail = verdict.problems.join("; ");
  const unsigned = !verdict.artifact?.signature;
  const files = names.map((p): FileResult => (verdict.valid ? { path: p, state: "valid" } : { path: p, state: unsigned ? "unsigned" : "invalid", detail }));
  const keyId = verdict.keyIndex !== undefined ? storeKeyId(liveKeys(input)[verdict.keyIndex]) : undefined;
  return { pluginId: "", version: "", files, notes: [] as string[], store: { valid: verdict.valid, keyIds: keyId ? [keyId] : [], ...(detail ? { detail } : {}) } };
}

/** A bare key's id as Signet names it: the first 16 hex digits of SHA-256(SubjectPublicKeyInfo). */
function storeKeyId(spki: Uint8Array): string {
  return createHash("sha256").update(spki).digest("hex").slice(0, 16);
}

export async function verifyStoreArtifact(path: string, input: StoreVerifyInput): Promise<StoreVerificationReport> {
  const digests = await fileDigests(path);
  const sha256 = digests.sha256.toString("hex");
  const verdict =
    input.target === "mattermost" ? await mattermostVerdict(path, input) : input.target === "grafana" ? await grafanaVerdict(path, input) : input.target === "dify" ? await difyVerdict(path, input) : await menderVerdict(path, input);
  const problems: string[] = [];
  const notes: string[] = "notes" in verdict ? [...(verdict.notes as string[])] : [];
  if (!verdict.store.valid) problems.push(`${input.target} signature: ${verdict.store.detail ?? "not valid"}`);
  let chain: VerificationReport["chain"] = [];
  let chainTrusted = false;
  let cms: VerificationReport["cms"] = null;
  let pluginCertificate;
  if (input.detachedSignature) {
    const result = verifyDetachedSignature(input.detachedSignature, digests);
    cms = { valid: result.problems.length === 0, signingTime: result.signingTime?.toISOString() ?? null, problems: result.problems };
    problems.push(...result.problems.map((p) => `detached signature: ${p}`));
    if (result.signer) {
      const others = result.certificatesDer.filter((d) => !Buffer.from(d).equals(Buffer.from(result.signer!.der)));
      const assessed = await assessChain([result.signer.der, ...others], input);
      chain = assessed.chain;
      chainTrusted = assessed.trusted;
      pluginCertificate = assessed.path[0];
      problems.push(...assessed.problems);
      notes.push(...assessed.notes);
    }
  } else {
    notes.push("no detached CMS (.p7s) was given: the plugin certificate chain and its revocation were not checked");
  }
  let artifact: ArtifactStatus | null = null;
  if (input.artifactStatus) {
    try {
      artifact = await input.artifactStatus(sha256, pluginCertificate);
    } catch (err) {
      problems.push(`whether this artifact was revoked is unknown: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (artifact?.revoked) problems.push(`this signed artifact was revoked${artifact.reason ? `: ${artifact.reason}` : ""}`);
  } else {
    notes.push("artifact revocation was not checked");
  }
  const bad = verdict.files.filter((f) => f.state !== "valid");
  for (const f of bad.slice(0, 20)) problems.push(`${f.path}: ${f.state}`);
  return {
    valid: problems.length === 0,
    target: input.target,
    pluginId: verdict.pluginId,
    version: verdict.version,
    sha256,
    files: verdict.files,
    store: verdict.store,
    chain,
    chainTrusted,
    revocationChecked: Boolean(input.certificateStatus) && Boolean(input.detachedSignature),
    artifactRevoked: Boolean(artifact?.revoked),
    artifactRevocation: artifact?.revoked ? { reason: artifact.reason, revokedAt: artifact.revokedAt } : null,
    artifactChecked: Boolean(input.artifactStatus),
    cms,
    problems,
    notes,
  };
}

/** Which format a file is, from its first bytes and (for a zip) its layout; undefined = a .jpl or unknown. */
export async function detectStoreFormat(path: string): Promise<StoreFormat | undefined> {
  const fd = await fs.promises.open(path, "r");
  const head = Buffer.alloc(512);
  try {
    await fd.read(head, 0, 512, 0);
  } finally {
    await fd.close();
  }
  if (head[0] === 0x1f && head[1] === 0x8b) return "mattermost";
  // A .mender is an uncompressed POSIX tar whose first member is `version` (FORMATS.md §8).
  if (head.subarray(257, 262).toString("latin1") === "ustar" && head.subarray(0, 8).toString("latin1") === "version\0") return "mender";
  if (head.readUInt32LE(0) !== 0x04034b50) return undefined;
  let archive: SafeArchive;
  try {
    archive = await SafeArchive.open(path);
  } catch {
    return undefined;
  }
  try {
    if (archive.find("manifest.json")) return undefined;
    if (archive.find("manifest.yaml")) return "dify";
    const tops = new Set(archive.entries.map((e) => e.name.split("/")[0]));
    const [top] = tops;
    return tops.size === 1 && archive.find(`${top}/plugin.json`) ? "grafana" : undefined;
  } finally {
    archive.close();
  }
}
