// Where things are in a Grafana plugin zip: one top directory named as the plugin ID (Grafana's
// packaging guide and its plugin validator require it; grafana cli installs that directory), with
// plugin.json (`id`, `info.version`) and, once signed, MANIFEST.txt beside it.
import { digestStream } from "../archive/hash-tap";
import { ArchiveError } from "../jpl/archive-error";
import type { ArchiveEntry, SafeArchive } from "../jpl/read-archive";

export const GRAFANA_MANIFEST = "MANIFEST.txt";
const MAX_PLUGIN_JSON = 1024 * 1024;
// A directory name on every OS and a Grafana plugin ID (`<org>-<name>-<type>`, lowercase, digits, dashes),
// loosened to what private plugins use in practice.
const PLUGIN_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,189}$/;

export type GrafanaLayout = {
  /** "<id>/" */
  root: string;
  pluginId: string;
  version: string;
  /** Every regular file except the root MANIFEST.txt, in archive order. */
  files: ArchiveEntry[];
  /** The MANIFEST.txt already at the root, if any. */
  manifest: ArchiveEntry | undefined;
};

export async function readGrafanaLayout(archive: SafeArchive): Promise<GrafanaLayout> {
  const tops = new Set(archive.entries.map((e) => e.name.split("/")[0]));
  const [top] = tops;
  if (tops.size !== 1 || archive.entries.some((e) => e.name === top)) {
    throw new ArchiveError("bad_file_name", "A Grafana plugin zip holds exactly one top directory, named as the plugin ID, and nothing beside it");
  }
  const root = `${top}/`;
  const pluginJson = archive.find(`${root}plugin.json`);
  if (!pluginJson || pluginJson.isDirectory) throw new ArchiveError("manifest_missing", `The zip has no ${root}plugin.json`);
  const { id, version } = parsePluginJson(await archive.readEntry(pluginJson, MAX_PLUGIN_JSON), `${root}plugin.json`);
  if (id !== top) throw new ArchiveError("manifest_id_mismatch", `plugin.json names plugin '${id}', but the zip's top directory is '${top}' (Grafana expects the plugin ID)`, `${root}plugin.json`);
  const manifestName = `${root}${GRAFANA_MANIFEST}`;
  const files = archive.entries.filter((e) => !e.isDirectory && e.name !== manifestName);
  const manifest = archive.find(manifestName);
  if (manifest?.isDirectory) throw new ArchiveError("bad_file_name", `${manifestName} is a directory`, manifestName);
  return { root, pluginId: id, version, files, manifest };
}

export function parsePluginJson(bytes: Buffer, path: string): { id: string; version: string } {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (err) {
    throw new ArchiveError("manifest_invalid", `${path} is not JSON: ${err instanceof Error ? err.message : String(err)}`, path);
  }
  const v = value as { id?: unknown; info?: { version?: unknown } } | null;
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new ArchiveError("manifest_invalid", `${path} is not an object`, path);
  if (typeof v.id !== "string" || !PLUGIN_ID.test(v.id)) throw new ArchiveError("manifest_invalid", `${path}: 'id' must be a plugin ID (letters, digits, '.', '_', '-')`, path);
  const version = v.info && typeof v.info === "object" ? v.info.version : undefined;
  if (typeof version !== "string" || version.length === 0 || version.length > 100 || /[\u0000-\u001f]/.test(version)) {
    throw new ArchiveError("manifest_invalid", `${path}: 'info.version' must be a non-empty string`, path);
  }
  return { id: v.id, version };
}

/** Lowercase hex SHA-256 of each file, streamed one entry at a time; keys are paths relative to the root. */
export async function hashFiles(archive: SafeArchive, layout: GrafanaLayout): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of layout.files) out.set(entry.name.slice(layout.root.length), (await digestStream(await archive.openEntry(entry), "sha256")).toString("hex"));
  return out;
}
