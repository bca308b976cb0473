// Integration tests run against a fresh database: a new embedded data dir by default, or the
// PostgreSQL server at DATABASE_URL (its public schema is dropped and recreated — never point
// this at anything but a local test database).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export default async function setup(): Promise<() => void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-test-"));
  process.env.SIGNET_DATA_DIR = dataDir;
  process.env.SIGNET_PUBLIC_URL ??= "http://localhost:3999";
  (process.env as Record<string, string>).NODE_ENV = "test";
  const url = process.env.DATABASE_URL;
  if (url) {
    const host = new URL(url).hostname;
    if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) {
      throw new Error(`Refusing to reset a non-local database (${host}) for tests`);
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
    await client.end();
  }
  console.log(`[test] database: ${url ? "PostgreSQL server " + new URL(url).pathname.slice(1) : "embedded PGlite in " + dataDir}`);
  return () => fs.rmSync(dataDir, { recursive: true, force: true });
}
