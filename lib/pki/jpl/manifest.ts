// manifest.json as the Jami daemon reads it: `id`, falling back to `name`; a manifest with
// neither a name nor a version is refused.
import { textFieldViolation } from "../archive/entry-name-policy";
import { ArchiveError } from "./archive-error";
import type { SafeArchive } from "./read-archive";

export type PluginManifest = { id: string; name: string; version: string };

// The id becomes an entry name (`<id>.crt`) and a certificate CN: keep it to what plugin ids are.
const PLUGIN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
// Name and version are stored (artifact rows, audit events) and displayed: PostgreSQL text holds
// no NUL, and a bidi override in a version shown in the console misleads whoever reads it.
const MAX_CHARS = { name: 128, version: 64 } as const;

export function parseManifest(bytes: Uint8Array): PluginManifest {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new ArchiveError("manifest_invalid", "manifest.json is not valid UTF-8 JSON", "manifest.json");
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new ArchiveError("manifest_invalid", "manifest.json is not a JSON object", "manifest.json");
  const record = value as Record<string, unknown>;
  const text = (key: "id" | "name" | "version") => {
    const v = record[key];
    if (v === undefined || v === null) return "";
    if (typeof v !== "string") throw new ArchiveError("manifest_invalid", `manifest.json: "${key}" must be a string`, "manifest.json", key);
    const problem = textFieldViolation(v, key === "id" ? 128 : MAX_CHARS[key]);
    if (problem) throw new ArchiveError("manifest_invalid", `manifest.json: "${key}" ${problem}`, "manifest.json", key);
    return v;
  };
  const name = text("name");
  const version = text("version");
  const id = text("id") || name;
  if (!name && !version) throw new ArchiveError("manifest_invalid", 'manifest.json needs a "name" or a "version"', "manifest.json");
  if (!id) throw new ArchiveError("manifest_invalid", 'manifest.json has neither "id" nor "name"', "manifest.json");
  if (!PLUGIN_ID.test(id)) throw new ArchiveError("manifest_invalid", `manifest.json: plugin id '${id.slice(0, 140)}' is not a valid plugin id`, "manifest.json", record.id ? "id" : "name");
  return { id, name, version };
}

export async function readManifest(archive: SafeArchive): Promise<PluginManifest> {
  const entry = archive.find("manifest.json");
  if (!entry || entry.isDirectory) throw new ArchiveError("manifest_missing", "The archive has no manifest.json at its top level");
  return parseManifest(await archive.readEntry(entry, archive.limits.maxManifestBytes));
}
