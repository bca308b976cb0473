// The `manifest` member of a Mender artifact: one line "<sha256 hex>  <name>\n" per checksummed file.
// mender-artifact does not verify the signature over the bytes it read: it parses the lines and
// re-serializes them (ChecksumStore.Add → GetRaw), skipping blank lines and a last line without its
// newline. So Signet accepts only a manifest that is already in that canonical form — then the bytes
// it signs are the bytes every device verifies.
import { ArchiveError } from "../jpl/archive-error";

export const MANIFEST = "manifest";

/** name → lowercase sha256 hex, in manifest order. */
export type MenderManifest = Map<string, string>;

const LINE = /^([0-9a-f]{64}) {2}([\x21-\x7e]+)$/;

export function parseManifest(bytes: Buffer): MenderManifest {
  const text = bytes.toString("latin1");
  if (!text.endsWith("\n")) throw new ArchiveError("manifest_invalid", "The manifest does not end with a newline", MANIFEST);
  const manifest: MenderManifest = new Map();
  for (const line of text.slice(0, -1).split("\n")) {
    const match = LINE.exec(line);
    if (!match) throw new ArchiveError("manifest_invalid", `The manifest line '${line.slice(0, 120)}' is not "<lowercase sha256 hex>  <name>"`, MANIFEST);
    const [, sum, name] = match;
    if (manifest.has(name)) throw new ArchiveError("manifest_invalid", `The manifest lists '${name}' twice`, MANIFEST);
    manifest.set(name, sum);
  }
  if (manifest.size === 0) throw new ArchiveError("manifest_invalid", "The manifest is empty", MANIFEST);
  return manifest;
}
