// A Mattermost plugin bundle (FORMATS.md §5) read the way the server installs it: extract, and if the
// root holds exactly one directory, the plugin is inside it (app/plugin_install.go extractPlugin); then
// model.FindManifest reads plugin.json, else plugin.yml / plugin.yaml. Signet refuses a bundle that holds
// two of them instead of guessing which one a given Mattermost version prefers.
import crypto from "node:crypto";
import type { Readable } from "node:stream";
import YAML from "yaml";
import { ArchiveError } from "../jpl/archive-error";
import { DEFAULT_TAR_LIMITS, readAll, readTar, type TarEntry, type TarLimits } from "../archive/read-tar";

export const MATTERMOST_MANIFEST_NAMES = ["plugin.json", "plugin.yml", "plugin.yaml"] as const;
const MAX_MANIFEST_BYTES = 1024 * 1024;

// server/public/model/manifest.go: IsValidPluginId (3–190 characters of this set).
const PLUGIN_ID = /^[a-zA-Z0-9-_.]{3,190}$/;
// The manifest's version is parsed as semantic versioning (blang/semver): MAJOR.MINOR.PATCH[-pre][+build].
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

export type MattermostBundle = {
  id: string;
  version: string;
  /** Where the manifest was, e.g. "com.example.demo/plugin.json". */
  manifestPath: string;
  entries: TarEntry[];
  /** SHA-256 and size of the .tar.gz bytes exactly as read (what the detached signature covers). */
  sha256: Uint8Array;
  size: number;
};

export type CheckBundleOptions = {
  /** When set, the manifest's id must equal it (the plugin the upload is for). */
  expectedPluginId?: string;
  limits?: TarLimits;
};

/** Reads and checks a bundle streamed from `source`; rejects with an ArchiveError naming what is wrong. */
export async function checkMattermostBundle(source: AsyncIterable<Uint8Array> | Readable, options: CheckBundleOptions = {}): Promise<MattermostBundle> {
  const hash = crypto.createHash("sha256");
  let size = 0;
  const candidates = new Map<string, Buffer>();
  const { entries } = await readTar(
    source,
    async (entry, content) => {
      const base = entry.name.split("/").pop()!;
      const depth = entry.name.split("/").length;
      if (entry.type === "file" && depth <= 2 && (MATTERMOST_MANIFEST_NAMES as readonly string[]).includes(base)) {
        candidates.set(entry.name, await readAll(entry, content, MAX_MANIFEST_BYTES));
      }
    },
    {
      limits: options.limits ?? DEFAULT_TAR_LIMITS,
      gzip: true,
      // What `tar czf` writes: directories, GNU/pax long names, and "./" prefixes when run on ".".
      allowDirectories: true,
      allowExtensionHeaders: true,
      stripDotSlash: true,
      onSourceChunk: (chunk) => {
        hash.update(chunk);
        size += chunk.length;
      },
    },
  );
  const root = pluginRoot(entries);
  const found = MATTERMOST_MANIFEST_NAMES.map((n) => `${root}${n}`).filter((p) => candidates.has(p));
  if (found.length === 0) throw new ArchiveError("manifest_missing", `The bundle has no plugin.json (or plugin.yml / plugin.yaml)${root ? ` in '${root}'` : " at its root"}`);
  if (found.length > 1) throw new ArchiveError("manifest_invalid", `The bundle holds more than one manifest (${found.join(", ")})`, found[1]);
  const manifestPath = found[0];
  const { id, version } = parseManifest(manifestPath, candidates.get(manifestPath)!);
  if (options.expectedPluginId !== undefined && id !== options.expectedPluginId) {
    throw new ArchiveError("manifest_id_mismatch", `${manifestPath} names plugin '${id}', but this upload is for '${options.expectedPluginId}'`, manifestPath);
  }
  return { id, version, manifestPath, entries, sha256: new Uint8Array(hash.digest()), size };
}

/** "" when the plugin sits at the root, "<dir>/" when the root holds exactly one directory and nothing else. */
function pluginRoot(entries: TarEntry[]): string {
  const top = new Set(entries.map((e) => e.name.split("/")[0]));
  if (top.size !== 1) return "";
  const [only] = top;
  const isDir = entries.some((e) => e.name.startsWith(`${only}/`));
  return isDir ? `${only}/` : "";
}

function parseManifest(path: string, bytes: Buffer): { id: string; version: string } {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ArchiveError("manifest_invalid", `${path} is not UTF-8`, path);
  }
  let value: unknown;
  try {
    // yaml's default maxAliasCount (100) stops alias-expansion bombs; JSON is also valid YAML, but
    // plugin.json is parsed as JSON so that it means exactly what Mattermost's encoding/json reads.
    value = path.endsWith(".json") ? JSON.parse(text) : YAML.parse(text, { maxAliasCount: 100, uniqueKeys: true });
  } catch (err) {
    throw new ArchiveError("manifest_invalid", `${path} does not parse: ${err instanceof Error ? err.message : String(err)}`, path);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new ArchiveError("manifest_invalid", `${path} is not an object`, path);
  const { id, version } = value as Record<string, unknown>;
  if (typeof id !== "string" || !PLUGIN_ID.test(id)) throw new ArchiveError("manifest_invalid", `${path}: 'id' must be 3–190 characters of letters, digits, '-', '_' and '.'`, path);
  if (typeof version !== "string" || !SEMVER.test(version)) throw new ArchiveError("manifest_invalid", `${path}: 'version' must be a semantic version (MAJOR.MINOR.PATCH)`, path);
  return { id, version };
}
