// manifest.yaml of a .difypkg: the fields Signet shows and checks, validated with the daemon's own
// patterns (plugin_entities.PluginDeclaration: AuthorRegex, PluginNameRegex, VERSION_PATTERN).
import { parse } from "yaml";
import { ArchiveError } from "../jpl/archive-error";
import type { SafeArchive } from "../jpl/read-archive";

export const DIFY_MANIFEST = "manifest.yaml";

export type DifyManifest = { name: string; version: string; author: string; type: "plugin" };

const NAME = /^[a-z0-9_-]{1,128}$/;
const AUTHOR = /^[a-z0-9_-]{1,64}$/;
// Go's \w is ASCII [0-9A-Za-z_].
const VERSION = /^\d{1,4}(\.\d{1,4}){2}(-[0-9A-Za-z_]{1,16})?$/;

export async function readDifyManifest(archive: SafeArchive): Promise<DifyManifest> {
  const entry = archive.find(DIFY_MANIFEST);
  if (!entry) throw new ArchiveError("manifest_missing", "The package has no manifest.yaml", DIFY_MANIFEST);
  return parseDifyManifest(await archive.readEntry(entry, archive.limits.maxManifestBytes));
}

export function parseDifyManifest(bytes: Buffer): DifyManifest {
  let doc: unknown;
  try {
    // No aliases: a manifest needs none, and they are how a small YAML expands into a huge one.
    doc = parse(bytes.toString("utf8"), { uniqueKeys: true, maxAliasCount: 0, prettyErrors: false });
  } catch (err) {
    throw new ArchiveError("manifest_invalid", `manifest.yaml is not valid YAML: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`, DIFY_MANIFEST);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new ArchiveError("manifest_invalid", "manifest.yaml is not a mapping", DIFY_MANIFEST);
  const { name, version, author, type } = doc as Record<string, unknown>;
  if (type !== "plugin") throw new ArchiveError("manifest_invalid", 'manifest.yaml: "type" must be "plugin"', DIFY_MANIFEST);
  if (typeof name !== "string" || !NAME.test(name)) throw new ArchiveError("manifest_invalid", 'manifest.yaml: "name" must match ^[a-z0-9_-]{1,128}$', DIFY_MANIFEST);
  // The daemon lets only packages verified as category "langgenius" name that author (any case); Signet never grants it.
  if (typeof author === "string" && author.toLowerCase() === "langgenius") throw new ArchiveError("reserved_claim", 'manifest.yaml claims author "langgenius", which only Dify\'s own key may sign', DIFY_MANIFEST);
  if (typeof author !== "string" || !AUTHOR.test(author)) throw new ArchiveError("manifest_invalid", 'manifest.yaml: "author" must match ^[a-z0-9_-]{1,64}$', DIFY_MANIFEST);
  if (typeof version !== "string" || !VERSION.test(version)) throw new ArchiveError("manifest_invalid", 'manifest.yaml: "version" must look like 1.2.3 or 1.2.3-beta', DIFY_MANIFEST);
  return { name, version, author, type };
}
