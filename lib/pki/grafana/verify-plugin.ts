// Grafana's verdict on a plugin zip, computed the way Grafana computes it on disk (FORMATS.md §6;
// pkg/plugins/manager/signature): unsigned (no MANIFEST.txt), invalid (bad signature, unknown or
// not-yet-valid key, malformed manifest, root URL mismatch), modified (id/version differ from plugin.json,
// a listed file missing or changed, a file not listed) or valid. For Signet's own `verify`; the keys are
// Signet's store keys, since only those can be checked here. A zip that is not a well-formed Grafana
// plugin at all (no single top directory, no plugin.json) is an ArchiveError, as for signing.
import { DEFAULT_LIMITS, type ArchiveLimits } from "../jpl/archive-error";
import { SafeArchive } from "../jpl/read-archive";
import { OpenPgpError, SIG_TYPE } from "../openpgp/packets";
import { openpgpKeyIds, type OpenPgpKeyRef } from "../openpgp/sign";
import { parseCleartext, verifyDetached } from "../openpgp/verify";
import { GRAFANA_SIGNATURE_TYPES, isPrivateType, rootUrlMatches, type GrafanaManifest } from "./manifest";
import { hashFiles, readGrafanaLayout } from "./plugin-layout";

export type GrafanaVerdict = "valid" | "unsigned" | "invalid" | "modified";

export type GrafanaVerification = {
  status: GrafanaVerdict;
  /** Why, for anything but valid. */
  reason?: string;
  pluginId: string;
  version: string;
  manifest?: GrafanaManifest;
  /** The key that signed, when the signature verified. */
  keyId?: string;
  /** false when the manifest is private but no appUrl was given to check its root URLs against. */
  rootUrlsChecked?: boolean;
  /** Files that are missing, changed or unlisted (for modified). */
  files?: { missing: string[]; changed: string[]; unlisted: string[] };
};

export type GrafanaVerifyInput = {
  zipPath: string;
  /** Store keys Grafana would know (by keyId). A key is valid from its creation time until `revokedAt`. */
  keys: (OpenPgpKeyRef & { revokedAt?: Date })[];
  /** The Grafana host's root_url, to check private manifests' rootUrls; skipped when absent. */
  appUrl?: string;
  now: Date;
  limits?: ArchiveLimits;
};

const MAX_MANIFEST = 4 * 1024 * 1024;

export async function verifyGrafanaPlugin(input: GrafanaVerifyInput): Promise<GrafanaVerification> {
  const archive = await SafeArchive.open(input.zipPath, input.limits ?? DEFAULT_LIMITS);
  try {
    const layout = await readGrafanaLayout(archive);
    const base = { pluginId: layout.pluginId, version: layout.version };
    if (!layout.manifest) return { ...base, status: "unsigned", reason: "no MANIFEST.txt" };
    const body = await archive.readEntry(layout.manifest, MAX_MANIFEST);
    if (body.length < 10) return { ...base, status: "unsigned", reason: "MANIFEST.txt is empty" };
    const invalid = (reason: string, extra: Partial<GrafanaVerification> = {}): GrafanaVerification => ({ ...base, status: "invalid", reason, ...extra });

    let manifest: GrafanaManifest;
    let keyId: string;
    try {
      const clear = parseCleartext(new TextDecoder("utf-8", { fatal: true }).decode(body));
      const parsed: unknown = JSON.parse(clear.text);
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return invalid("the manifest is not a JSON object");
      manifest = parsed as GrafanaManifest;
      const problem = manifestProblem(manifest);
      if (problem) return invalid(problem, { manifest });
      const key = input.keys.find((k) => openpgpKeyIds(k).keyId === manifest.keyId);
      if (!key) return invalid(`the manifest names key ${manifest.keyId}, which is not one of the store's keys`, { manifest });
      if (key.revokedAt && key.revokedAt.getTime() <= input.now.getTime()) return invalid(`key ${manifest.keyId} is revoked`, { manifest });
      const verified = verifyDetached({ signature: clear.signature, data: clear.signed, key, now: input.now, sigType: SIG_TYPE.text });
      // The Hash armor header is not signed, and Grafana (CheckDetachedSignature over block.Bytes) does not
      // compare it with the signature's hash; neither does this verdict.
      keyId = verified.keyId;
    } catch (err) {
      if (err instanceof OpenPgpError || err instanceof SyntaxError || err instanceof TypeError) return invalid(`the signature does not verify: ${err.message}`);
      throw err;
    }
    if (manifest.plugin !== layout.pluginId || manifest.version !== layout.version) {
      return { ...base, status: "modified", reason: `the manifest is for ${manifest.plugin} ${manifest.version}, plugin.json says ${layout.pluginId} ${layout.version}`, manifest, keyId };
    }
    let rootUrlsChecked: boolean | undefined;
    if (isPrivateType(manifest.signatureType)) {
      rootUrlsChecked = input.appUrl !== undefined;
      if (input.appUrl !== undefined && !rootUrlMatches(manifest.rootUrls ?? [], input.appUrl, manifest.signatureType)) {
        return invalid(`no root URL of the manifest matches ${input.appUrl}`, { manifest, keyId, rootUrlsChecked });
      }
    }
    const actual = await hashFiles(archive, layout);
    const missing: string[] = [];
    const changed: string[] = [];
    for (const [path, hash] of Object.entries(manifest.files)) {
      const got = actual.get(path);
      if (got === undefined) missing.push(path);
      else if (got !== hash) changed.push(path);
    }
    const unlisted = [...actual.keys()].filter((p) => !Object.hasOwn(manifest.files, p));
    if (missing.length || changed.length || unlisted.length) {
      const reason = [missing.length ? `missing: ${missing.join(", ")}` : "", changed.length ? `changed: ${changed.join(", ")}` : "", unlisted.length ? `not in the manifest: ${unlisted.join(", ")}` : ""].filter(Boolean).join("; ");
      return { ...base, status: "modified", reason, manifest, keyId, rootUrlsChecked, files: { missing, changed, unlisted } };
    }
    return { ...base, status: "valid", manifest, keyId, rootUrlsChecked };
  } finally {
    archive.close();
  }
}

/** The field checks Grafana makes before looking at the signature (each failure: invalid). */
function manifestProblem(m: GrafanaManifest): string | undefined {
  if (m.manifestVersion !== "2.0.0") return "manifestVersion is not 2.0.0";
  if (typeof m.plugin !== "string" || typeof m.version !== "string") return "plugin and version must be strings";
  if (!(GRAFANA_SIGNATURE_TYPES as readonly string[]).includes(m.signatureType) && (m.signatureType as string) !== "grafana") return "signatureType is not a Grafana signature type";
  if (typeof m.signedByOrg !== "string" || m.signedByOrg === "") return "signedByOrg is missing";
  if (typeof m.signedByOrgName !== "string" || m.signedByOrgName === "") return "signedByOrgName is missing";
  if (typeof m.keyId !== "string" || !/^[0-9a-f]{16}$/i.test(m.keyId)) return "keyId is not 16 hex digits";
  if (!m.files || typeof m.files !== "object" || Array.isArray(m.files) || Object.keys(m.files).length === 0) return "files is empty";
  if (Object.values(m.files).some((h) => typeof h !== "string")) return "a file hash is not a string";
  if (isPrivateType(m.signatureType) && (!Array.isArray(m.rootUrls) || m.rootUrls.some((u) => typeof u !== "string"))) return "rootUrls must be a list of URLs";
  return undefined;
}
