import fs from "node:fs";
import { Readable } from "node:stream";
import { db } from "../../db";
import type { Principal } from "../auth/principal";
import { AppError } from "../errors";
import { findVisibleArtifact } from "./artifact-access";
import { serializeArtifact } from "./serialize-artifact";
import { ARTIFACT_EXTENSIONS, resolveStoragePath } from "./storage";
import { artifactByteStream } from "./artifact-bytes";
import { DETACHED_STORE_SIGNATURE_TARGETS } from "./serialize-artifact";

export async function getArtifact(actor: Principal, id: string) {
  const { row } = await findVisibleArtifact(actor, id);
  return serializeArtifact(row, { withFiles: true });
}

const CONTENT_TYPES: Record<string, string> = { jami: "application/zip", mattermost: "application/gzip", grafana: "application/zip", dify: "application/zip", mender: "application/x-tar" };

function downloadName(pluginId: string, version: string, target = "jami"): string {
  return `${pluginId}${version ? `-${version}` : ""}${ARTIFACT_EXTENSIONS[target] ?? ".jpl"}`.replace(/[^A-Za-z0-9._-]/g, "_");
}

/**
 * The signed archive as a stream (members of the owning org and operators): from the database, or
 * for a row from before that this instance's data dir still holds (not moved yet), from the file.
 */
export async function openArtifactDownload(actor: Principal, id: string) {
  const { row } = await findVisibleArtifact(actor, id);
  const meta = { filename: downloadName(row.pluginId, row.version, row.target), contentType: CONTENT_TYPES[row.target] ?? "application/octet-stream", sha256: row.sha256 };
  if (row.storage === "database") {
    const size = Number(row.size);
    return { body: artifactByteStream(row.id, size), size, ...meta };
  }
  const file = resolveStoragePath(row.storagePath);
  const stat = await fs.promises.stat(file).catch(() => {
    throw new AppError("not_found", "The artifact's file is missing from storage");
  });
  // One read ahead at most (toWeb's default queues up to highWaterMark chunks, not bytes: the whole file).
  return { body: Readable.toWeb(fs.createReadStream(file), { strategy: { highWaterMark: 1 } }) as ReadableStream<Uint8Array>, size: stat.size, ...meta };
}

/** The detached CMS signature: public to anyone holding the artifact id (API.md), like a CA certificate. */
export async function getArtifactSignature(id: string) {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new AppError("not_found", "Artifact not found");
  const row = await (await db()).artifact.findUnique({ where: { id }, select: { signature: true, pluginId: true, version: true, target: true } });
  if (!row) throw new AppError("not_found", "Artifact not found");
  return { der: row.signature, filename: `${downloadName(row.pluginId, row.version, row.target)}.p7s` };
}

/** The store's own detached signature (Mattermost's .sig), public like the .p7s to anyone holding the id. */
export async function getStoreSignature(id: string) {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new AppError("not_found", "Artifact not found");
  const row = await (await db()).artifact.findUnique({ where: { id }, select: { storeSignature: true, pluginId: true, version: true, target: true } });
  if (!row) throw new AppError("not_found", "Artifact not found");
  if (!row.storeSignature || !DETACHED_STORE_SIGNATURE_TARGETS.has(row.target)) throw new AppError("not_found", `A ${row.target} artifact carries its store signature inside it`);
  return { bytes: row.storeSignature, filename: `${downloadName(row.pluginId, row.version, row.target)}.sig` };
}
