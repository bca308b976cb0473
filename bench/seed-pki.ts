// A store seeded for benchmarks on a PostgreSQL server: root, one approved org with a hosted CA,
// and as many revoked plugin certificates as a run needs, bulk-inserted with their CRL entries.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { encodeCrlEntry } from "../lib/pki/crl/encode-crl";

export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/signet_bench";

/**
 * One data directory (master key) for the whole run: Signet reads its configuration and master
 * key once per process, so every benchmark in this process and every child it starts share it.
 */
export function benchDataDir(): string {
  process.env.SIGNET_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "signet-bench-data-"));
  process.env.DATABASE_URL = BENCH_DATABASE_URL;
  return process.env.SIGNET_DATA_DIR;
}

/** Creates the bench database if it is missing and empties its schema (it is ours alone). */
export async function freshBenchDatabase(): Promise<void> {
  const url = new URL(BENCH_DATABASE_URL);
  if (!["127.0.0.1", "localhost", "::1"].includes(url.hostname)) throw new Error(`refusing to reset a non-local database (${url.hostname})`);
  const name = url.pathname.slice(1);
  const admin = new pg.Client({ connectionString: Object.assign(new URL(BENCH_DATABASE_URL), { pathname: "/postgres" }).toString() });
  await admin.connect();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name.replace(/"/g, "")}"`);
  await admin.end();
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  // A client opened before the reset (by an earlier benchmark in this process, or work it left
  // running) would keep believing the schema is migrated: drop it, so the next db() migrates afresh.
  const { closeDb } = await import("../lib/db");
  await closeDb();
  await client.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
  await client.end();
  await closeDb();
}

export type SeededStore = { rootCaId: string; orgCaId: string; orgCaPem: string; rootPem: string; operatorToken: string; orgAdminToken: string };

/** Root + org through Signet's own workflows (so every key and certificate is real). */
export async function seedStore(): Promise<SeededStore> {
  const { db } = await import("../lib/db");
  const { initializeSignet } = await import("../lib/server/setup/initialize-signet");
  const { registerOrg } = await import("../lib/server/orgs/register-org");
  const { approveRequest } = await import("../lib/server/requests/approve-request");
  const { principalForUser } = await import("../lib/server/auth/resolve-principal");
  const { toPem } = await import("../lib/pki/certificate/pem");
  const init = await initializeSignet({ adminEmail: "ops@bench.test", adminPassword: "bench-password-1" });
  const client = await db();
  const operator = await principalForUser(client, (await client.user.findFirstOrThrow()).id, "token");
  const reg = await registerOrg({ name: "Bench Plugins", slug: "bench", pluginIdPrefix: "com.bench.", admin: { email: "admin@bench.test", password: "bench-password-1" }, token: true });
  // The bench follows the contact-verification link from the file outbox, as a person would.
  const { deliverDueMail, outboxDir } = await import("../lib/server/mail/deliver-mail");
  const { verifyContactAddress } = await import("../lib/server/orgs/contact-verification");
  await deliverDueMail();
  const mailed = fs.readdirSync(outboxDir()).map((n) => fs.readFileSync(path.join(outboxDir(), n), "utf8")).find((m) => m.includes("admin@bench.test") && m.includes("/verify-contact/"));
  await verifyContactAddress(/\/verify-contact\/([A-Za-z0-9_-]{43})/.exec(mailed ?? "")![1]);
  const approved = await approveRequest(operator, reg.request.id);
  const root = await client.certificateAuthority.findUniqueOrThrow({ where: { id: init.rootCaId }, include: { certificate: true } });
  return { rootCaId: init.rootCaId, orgCaId: (approved as { caId?: string }).caId!, orgCaPem: approved.certificate.pem, rootPem: toPem(root.certificate!.der!, "CERTIFICATE"), operatorToken: init.operatorToken, orgAdminToken: reg.token! };
}

const REASONS = ["keyCompromise", "superseded", "cessationOfOperation", "unspecified"] as const;

/** Adds revoked plugin certificates under `caId` until it has `target` revocations. */
export async function growRevocations(caId: string, orgId: string, target: number): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  try {
    let have = Number((await client.query(`SELECT count(*) AS n FROM revocation WHERE "issuerCaId" = $1`, [caId])).rows[0].n);
    const notBefore = new Date(Date.UTC(2026, 0, 1));
    const notAfter = new Date(Date.UTC(2027, 0, 1));
    while (have < target) {
      const batch = Math.min(20_000, target - have);
      const ids: string[] = [];
      const serials: string[] = [];
      const revokedAt: Date[] = [];
      const reasons: string[] = [];
      const entries: Buffer[] = [];
      for (let i = 0; i < batch; i++) {
        const serial = crypto.randomBytes(16);
        serial[0] = (serial[0] & 0x7f) | 0x01;
        const at = new Date(notBefore.getTime() + (have + i) * 1000);
        const reason = REASONS[(have + i) % 4];
        // Time-ordered ids, as Signet's cuids are: index order follows insertion order.
        ids.push(`bench${String(have + i).padStart(9, "0")}`);
        serials.push(serial.toString("hex"));
        revokedAt.push(at);
        reasons.push(reason);
        entries.push(encodeCrlEntry({ serial, revocationDate: at, reason }));
      }
      await client.query("BEGIN");
      await client.query(
        `INSERT INTO certificate (id, "serialHex", "issuerCaId", kind, status, "orgId", subject, "notBefore", "notAfter")
         SELECT id, serial, $3, 'plugin', 'revoked', $4, 'O=Bench Plugins, CN=com.bench.bulk', $5, $6 FROM unnest($1::text[], $2::text[]) AS t(id, serial)`,
        [ids, serials, caId, orgId, notBefore, notAfter],
      );
      await client.query(
        `INSERT INTO revocation (id, "certificateId", "issuerCaId", "serialHex", reason, "revokedAt", "crlEntry")
         SELECT 'r' || id, id, $5, serial, reason::"RevocationReason", at, entry FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamp[], $6::bytea[]) AS t(id, serial, reason, at, entry)`,
        [ids, serials, reasons, revokedAt, caId, entries],
      );
      await client.query("COMMIT");
      have += batch;
    }
    // Fresh statistics, as autovacuum would have gathered them on a live store.
    await client.query("ANALYZE certificate; ANALYZE revocation");
  } finally {
    await client.end();
  }
}
