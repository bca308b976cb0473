// Signs a Grafana plugin zip: every regular file is hashed (one entry streaming at a time), the v2
// manifest is built and cleartext-signed through the Signer, and a new zip is written with every original
// entry's content byte for byte (same names, order, modes and times) plus <id>/MANIFEST.txt, replacing one
// that was there. The source zip is read with the same strict reader as Jami uploads.
import { once } from "node:events";
import fs from "node:fs";
import { copyZipEntry } from "../archive/copy-zip-entry";
import { createOutput, discardOutput } from "../archive/output-file";
import { zipInto } from "../archive/zip-output";
import { DEFAULT_LIMITS, signerInputLimits, type ArchiveLimits } from "../jpl/archive-error";
import { ArchiveError } from "../jpl/archive-error";
import { SafeArchive, type ArchiveEntry } from "../jpl/read-archive";
import type { Signer } from "../signer";
import { cleartextSign, openpgpKeyIds, type OpenPgpKeyRef } from "../openpgp/sign";
import { buildManifest, manifestJson, type GrafanaManifest, type ManifestClaims } from "./manifest";
import { GRAFANA_MANIFEST, readGrafanaLayout } from "./plugin-layout";

export type SignGrafanaInput = ManifestClaims & {
  inputPath: string;
  /** Created exclusively (never overwrites); removed again if signing fails. */
  outputPath: string;
  signer: Signer;
  key: OpenPgpKeyRef;
  /** The manifest's time (ms); the signature's creation time is this, rounded down to the second (RFC 4880 §3.5). */
  now: Date;
  /** When set, plugin.json's id must equal it. */
  expectedPluginId?: string;
  limits?: ArchiveLimits;
};

export type SignedGrafanaPlugin = {
  pluginId: string;
  version: string;
  manifest: GrafanaManifest;
  /** The MANIFEST.txt written into the zip. */
  manifestText: string;
  /** The signed zip's file entries, MANIFEST.txt included. */
  files: { path: string; size: number }[];
  /** SHA-256 and length of the signed zip, hashed as it was written (what the detached CMS covers). */
  sha256: Uint8Array;
  size: number;
};

export async function signGrafanaPlugin(input: SignGrafanaInput): Promise<SignedGrafanaPlugin> {
  // It adds MANIFEST.txt (an uploaded one is replaced, but counted: the limit must hold either way).
  const archive = await SafeArchive.open(input.inputPath, signerInputLimits(input.limits ?? DEFAULT_LIMITS, 1));
  let out: fs.WriteStream | undefined;
  try {
    const layout = await readGrafanaLayout(archive);
    if (input.expectedPluginId !== undefined && layout.pluginId !== input.expectedPluginId) {
      throw new ArchiveError("manifest_id_mismatch", `plugin.json names plugin '${layout.pluginId}', but this upload is for '${input.expectedPluginId}'`, `${layout.root}plugin.json`);
    }
    // One pass: every entry is copied while its content streams through SHA-256; MANIFEST.txt, which
    // lists those digests, is the last entry, signed once the copies are through.
    out = createOutput(input.outputPath);
    await once(out, "open");
    const { zip, abort, failed, finish } = zipInto(out);
    const copies = new Map<ArchiveEntry, Promise<Buffer>>();
    for (const entry of archive.entries) if (entry !== layout.manifest) copies.set(entry, copyZipEntry(zip, archive, entry, "sha256", abort));
    const files = new Map<string, string>();
    for (const entry of layout.files) files.set(entry.name.slice(layout.root.length), (await Promise.race([copies.get(entry)!, failed])).toString("hex"));
    await Promise.race([Promise.all(copies.values()), failed]);
    const manifest = buildManifest({
      signatureType: input.signatureType,
      signedByOrg: input.signedByOrg,
      signedByOrgName: input.signedByOrgName,
      rootUrls: input.rootUrls,
      pluginId: layout.pluginId,
      version: layout.version,
      time: input.now,
      keyId: openpgpKeyIds(input.key).keyId,
      files,
    });
    const signedAt = new Date(Math.floor(input.now.getTime() / 1000) * 1000);
    const manifestText = await cleartextSign({ text: manifestJson(manifest), signer: input.signer, key: input.key, createdAt: signedAt });
    const manifestBytes = Buffer.from(manifestText, "utf8");
    zip.addBuffer(manifestBytes, `${layout.root}${GRAFANA_MANIFEST}`, { mtime: input.now, mode: 0o100644 });
    const { sha256, size } = await finish();
    const signedFiles = archive.entries.filter((e) => e !== layout.manifest && !e.isDirectory).map((e) => ({ path: e.name, size: e.uncompressedSize }));
    signedFiles.push({ path: `${layout.root}${GRAFANA_MANIFEST}`, size: manifestBytes.length });
    return { pluginId: layout.pluginId, version: layout.version, manifest, manifestText, files: signedFiles, sha256, size };
  } catch (err) {
    await discardOutput(out, input.outputPath, err);
    throw err;
  } finally {
    archive.close();
  }
}
