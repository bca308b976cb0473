// Signed archives in the database (on the PostgreSQL server and on the embedded PGlite): stored in
// rows and nowhere on disk, downloaded byte for byte; an archive from before (a file under the data
// dir) moves in at start, checked against its recorded SHA-256, idempotently and crash-safely; pieces
// no row names are swept.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { GET as download } from "@/app/api/v1/artifacts/[id]/download/route";
import { pluginEntries, zipTo } from "@/lib/pki/jpl/test-fixtures";
import { CHUNK_BYTES, ROW_BYTES, readArtifactBytes, storeArtifactBytes, sweepOrphanChunks } from "@/lib/server/artifacts/artifact-bytes";
import { moveArtifactFilesIntoDatabase } from "@/lib/server/artifacts/move-artifact-files";
import { resolveStoragePath } from "@/lib/server/artifacts/storage";
import { call } from "./helpers";
import { tempDir } from "./pki-fixtures";
import { H, issuePluginCert, json, setUpStore, uploadArchive, type Store } from "./artifact-fixtures";

const dir = tempDir("signet-artifact-storage-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const ID = "com.acme.stored";
let store: Store;

const sha256 = (b: Buffer) => crypto.createHash("sha256").update(b).digest("hex");

async function downloaded(id: string): Promise<Buffer> {
  const res = await call(H(download), { token: store.acmeAdmin, params: { id } });
  expect(res.status, await res.clone().text()).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

async function signOne(version: string): Promise<{ id: string; sha256: string }> {
  // A payload of several pieces, so that the piece boundaries are crossed.
  const entries = [...pluginEntries(ID, version), { name: "data/blob.bin", content: crypto.randomBytes(2 * CHUNK_BYTES + 12_345), compress: false }];
  const input = await zipTo(path.join(dir, `${version}.jpl`), entries);
  return json<{ id: string; sha256: string }>(await uploadArchive(store.acmeAdmin, "acme", ID, fs.readFileSync(input)), 201);
}

/** Turns a stored artifact back into one from before: its bytes in a file under the data dir, none in the database. */
async function asFileFromBefore(id: string): Promise<{ file: string; bytes: Buffer }> {
  const client = await db();
  const row = await client.artifact.findUniqueOrThrow({ where: { id }, select: { storagePath: true, size: true } });
  const parts: Buffer[] = [];
  for await (const piece of readArtifactBytes(id, Number(row.size))) parts.push(piece as Buffer);
  const bytes = Buffer.concat(parts);
  const file = resolveStoragePath(row.storagePath);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  await client.artifactChunk.deleteMany({ where: { artifactId: id } });
  await client.artifact.update({ where: { id }, data: { storage: "file" } });
  return { file, bytes };
}

describe("signed archives in the database", () => {
  beforeAll(async () => {
    store = await setUpStore();
    await issuePluginCert(store.acmeAdmin, "acme", ID);
  });

  it("stores a signed archive in pieces, keeps no file, and downloads it byte for byte", async () => {
    const artifact = await signOne("1.0.0");
    const client = await db();
    const row = await client.artifact.findUniqueOrThrow({ where: { id: artifact.id }, select: { storage: true, size: true } });
    expect(row.storage).toBe("database");
    const rows = await client.artifactChunk.count({ where: { artifactId: artifact.id } });
    expect(rows).toBe(Math.ceil(Number(row.size) / ROW_BYTES));
    expect(Number(row.size)).toBeGreaterThan(2 * CHUNK_BYTES);
    const artifactsDir = path.join(env().dataDir, "artifacts");
    expect(fs.existsSync(artifactsDir) ? fs.readdirSync(artifactsDir) : []).toEqual([]);
    const bytes = await downloaded(artifact.id);
    expect(bytes.length).toBe(Number(row.size));
    expect(sha256(bytes)).toBe(artifact.sha256);
  });

  it("moves an archive from before into the database at start, once, and removes its file", async () => {
    const artifact = await signOne("1.1.0");
    const { file, bytes } = await asFileFromBefore(artifact.id);
    // Served from the file until moved.
    expect(sha256(await downloaded(artifact.id))).toBe(artifact.sha256);
    const first = await moveArtifactFilesIntoDatabase();
    expect(first.moved).toEqual([artifact.id]);
    expect(first.failed).toEqual([]);
    expect(fs.existsSync(file)).toBe(false);
    expect((await (await db()).artifact.findUniqueOrThrow({ where: { id: artifact.id } })).storage).toBe("database");
    expect(sha256(await downloaded(artifact.id))).toBe(artifact.sha256);
    // Again: nothing to do.
    expect(await moveArtifactFilesIntoDatabase()).toEqual({ moved: [], removed: [], failed: [] });
    // A crash after the commit, before the file was removed: the next start removes the leftover.
    fs.writeFileSync(file, bytes);
    const after = await moveArtifactFilesIntoDatabase();
    expect(after.moved).toEqual([]);
    expect(after.removed).toEqual([path.basename(file)]);
    expect(fs.existsSync(file)).toBe(false);
    expect(sha256(await downloaded(artifact.id))).toBe(artifact.sha256);
  });

  it("leaves a file whose bytes differ from the recorded SHA-256 where it is, and the row as it was", async () => {
    const artifact = await signOne("1.2.0");
    const { file, bytes } = await asFileFromBefore(artifact.id);
    bytes[bytes.length >> 1] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const report = await moveArtifactFilesIntoDatabase();
    expect(report.moved).toEqual([]);
    expect(report.failed).toEqual([{ id: artifact.id, reason: expect.stringMatching(/differs from the recorded/) }]);
    expect(fs.existsSync(file)).toBe(true);
    const client = await db();
    expect((await client.artifact.findUniqueOrThrow({ where: { id: artifact.id } })).storage).toBe("file");
    expect(await client.artifactChunk.count({ where: { artifactId: artifact.id } })).toBe(0);
    fs.rmSync(file);
  });

  it("sweeps pieces that no row names once they are old enough, and keeps every stored artifact's", async () => {
    const kept = await signOne("1.3.0");
    const input = path.join(dir, "orphan.bin");
    fs.writeFileSync(input, crypto.randomBytes(CHUNK_BYTES + 1));
    const orphan = crypto.randomUUID();
    await storeArtifactBytes(orphan, input);
    const client = await db();
    // Younger than the age given: kept (its row may still be committing).
    expect(await sweepOrphanChunks(3_600_000)).toBe(0);
    expect(await client.artifactChunk.count({ where: { artifactId: orphan } })).toBe(Math.ceil((CHUNK_BYTES + 1) / ROW_BYTES));
    await new Promise((r) => setTimeout(r, 50));
    expect(await sweepOrphanChunks(1)).toBe(1);
    expect(await client.artifactChunk.count({ where: { artifactId: orphan } })).toBe(0);
    expect(sha256(await downloaded(kept.id))).toBe(kept.sha256);
  });
});
