// Where archives live on disk: signed artifacts under <dataDir>/artifacts, uploads in flight under
// <dataDir>/tmp. Both sit on the data dir's filesystem so a finished file is renamed into place.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { env } from "../../env";

export const ARTIFACTS_DIR = "artifacts";

// Files in flight carry their owner (host and process) in their name, so that the start-up sweep can
// tell a crashed process's leftovers (remove now) from another live worker's or instance's uploads
// (leave alone) without a lock file per upload. The host is hashed: names stay short and portable.
const HOST_TAG = crypto.createHash("sha256").update(os.hostname()).digest("hex").slice(0, 8);
const OWNED = /^\.?([0-9a-f]{8})\.(\d+)~/;

export type FileOwner = { host: "this" | "other"; pid: number } | undefined;

export function ownerOf(name: string): FileOwner {
  const m = OWNED.exec(name);
  if (!m) return undefined;
  return { host: m[1] === HOST_TAG ? "this" : "other", pid: Number(m[2]) };
}

const ownerPrefix = () => `${HOST_TAG}.${process.pid}~`;

export async function ensureDir(relative: string): Promise<string> {
  const dir = path.join(env().dataDir, relative);
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** A fresh path for a temporary file (not created). */
export async function tempPath(suffix: string): Promise<string> {
  return path.join(await ensureDir("tmp"), `${ownerPrefix()}${crypto.randomUUID()}${suffix}`);
}

/** Where a signed archive is written before it is renamed to artifactStoragePath(id) (not created). */
export function partialArtifactPath(id: string): string {
  return path.join(env().dataDir, ARTIFACTS_DIR, `.${ownerPrefix()}${id}.partial`);
}

/** The file extension each store format's artifact has (what its host expects to be handed). */
export const ARTIFACT_EXTENSIONS: Record<string, string> = { jami: ".jpl", mattermost: ".tar.gz", grafana: ".zip", dify: ".difypkg", mender: ".mender" };

export function artifactStoragePath(id: string, target = "jami"): string {
  return `${ARTIFACTS_DIR}/${id}${ARTIFACT_EXTENSIONS[target] ?? ".jpl"}`;
}

/** Absolute path of a stored artifact; refuses anything that would leave the artifacts directory. */
export function resolveStoragePath(storagePath: string): string {
  const base = path.join(env().dataDir, ARTIFACTS_DIR);
  const full = path.resolve(env().dataDir, storagePath);
  if (path.dirname(full) !== base) throw new Error("artifact storage path escapes the artifacts directory");
  return full;
}

export async function removeQuietly(...paths: (string | undefined)[]): Promise<void> {
  await Promise.all(paths.filter((p): p is string => Boolean(p)).map((p) => fs.promises.rm(p, { force: true }).catch(() => {})));
}
