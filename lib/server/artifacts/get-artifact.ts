import fs from "node:fs";
import { Readable } from "node:stream";
import { db } from "../../db";
import type { Principal } from "../auth/principal";
import { AppError } from "../errors";
import { findVisibleArtifact } from "./artifact-access";
import { serializeArtifact } from "./serialize-artifact";
import { resolveStoragePath } from "./storage";

export async function getArtifact(actor: Principal, id: string) {
  const { row } = await findVisibleArtifact(actor, id);
  return serializeArtifact(row, { withFiles: true });
}

function downloadName(pluginId: string, version: string): string {
  return `${pluginId}${version ? `-${version}` : ""}.jpl`.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** The signed archive as a stream (members of the owning org and operators). */
export async function openArtifactDownload(actor: Principal, id: string) {
  const { row } = await findVisibleArtifact(actor, id);
  const file = resolveStoragePath(row.storagePath);
  const stat = await fs.promises.stat(file).catch(() => {
    throw new AppError("not_found", "The artifact's file is missing from storage");
  });
  return { body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>, size: stat.size, filename: downloadName(row.pluginId, row.version), sha256: row.sha256 };
}

/** The detached CMS signature: public to anyone holding the artifact id (API.md), like a CA certificate. */
export async function getArtifactSignature(id: string) {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new AppError("not_found", "Artifact not found");
  const row = await (await db()).artifact.findUnique({ where: { id }, select: { signature: true, pluginId: true, version: true } });
  if (!row) throw new AppError("not_found", "Artifact not found");
  return { der: row.signature, filename: `${downloadName(row.pluginId, row.version)}.p7s` };
}
