// Applies prisma/migrations in order, recording them in Prisma's own `_prisma_migrations` table so
// `prisma migrate deploy` and this runner agree. It runs in-process because the embedded database
// admits one process at a time, and because a server start should not wait for the Prisma CLI.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { PrismaClient } from "../../generated/prisma/client";
import { env } from "../../env";

// Serializes concurrent starters (several web instances on one server database).
const MIGRATION_LOCK = 72_707_001;

type Raw = Pick<PrismaClient, "$executeRawUnsafe" | "$queryRawUnsafe" | "$transaction">;

export function listMigrations(dir = path.join(env().appRoot, "prisma", "migrations")): { name: string; sql: string; checksum: string }[] {
  if (!fs.existsSync(/*turbopackIgnore: true*/ dir)) return [];
  return fs
    .readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(/*turbopackIgnore: true*/ path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: crypto.createHash("sha256").update(sql).digest("hex") };
    });
}

export async function applyMigrations(client: Raw): Promise<string[]> {
  const migrations = listMigrations();
  await client.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
  const applied: string[] = [];
  await client.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      const rows = await tx.$queryRawUnsafe<{ migration_name: string }[]>(
        `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      );
      const done = new Set(rows.map((r) => r.migration_name));
      for (const m of migrations) {
        if (done.has(m.name)) continue;
        for (const statement of splitStatements(m.sql)) await tx.$executeRawUnsafe(statement);
        await tx.$executeRawUnsafe(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
           VALUES ($1, $2, now(), $3, 1)`,
          crypto.randomUUID(),
          m.checksum,
          m.name,
        );
        applied.push(m.name);
      }
    },
    { timeout: 120_000, maxWait: 120_000 },
  );
  return applied;
}

/** Splits a Prisma migration into statements (Prisma emits no dollar-quoted bodies or semicolons in strings). */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, "").trim())
    .filter((s) => s.length > 0);
}
