// The console's lists at scale: 100,000 certificates, 10,000 requests, 10,000 artifacts, 1,000
// organizations and 50,000 audit events, bulk-inserted on the PostgreSQL server (INSERT … SELECT
// FROM unnest, 20,000 rows a statement), then each list's first page and a filtered or searched
// page asked through the HTTP API of the production server, as the console asks them. Each query
// is also EXPLAINed (in the SQL the list's WHERE/ORDER BY amounts to) to show it is an index scan.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { table } from "./measure";
import { waitFor } from "./ocsp";
import { BENCH_DATABASE_URL, freshBenchDatabase, seedStore } from "./seed-pki";

const ROOT = path.resolve(import.meta.dirname, "..");
const PORT = Number(process.env.BENCH_LISTS_PORT ?? 4510);
const COUNTS = { certificates: 100_000, requests: 10_000, artifacts: 10_000, orgs: 1_000, audit: 50_000 };
const RUNS = 15;
const GOAL_MS = 300;
const BATCH = 20_000;

const hex = (bytes: number) => crypto.randomBytes(bytes).toString("hex");

async function inBatches(total: number, insert: (from: number, n: number) => Promise<void>) {
  for (let from = 0; from < total; from += BATCH) await insert(from, Math.min(BATCH, total - from));
}

async function seedLists(client: pg.Client, orgCaId: string) {
  const bench = (await client.query(`SELECT id FROM organization WHERE slug = 'bench'`)).rows[0].id as string;
  const t0 = Date.UTC(2026, 0, 1);
  // Organizations: 1,000 more, a few states.
  const orgIds = Array.from({ length: COUNTS.orgs }, (_, i) => `benchorg${String(i).padStart(6, "0")}`);
  await client.query(
    `INSERT INTO organization (id, name, "nameKey", slug, "createdAt", status, "pluginIdPrefix", "contactEmail")
     SELECT id, 'Publisher ' || n, 'publisher ' || n, 'publisher-' || n, $2::timestamp + (n || ' minutes')::interval,
            (ARRAY['approved','pending','rejected']::"OrgStatus"[])[1 + n % 3], 'com.publisher' || n || '.', 'admin@publisher-' || n || '.test'
     FROM unnest($1::text[]) WITH ORDINALITY AS t(id, n)`,
    [orgIds, new Date(t0)],
  );
  const owners = [bench, ...orgIds.slice(0, 99)];
  // Certificates: spread over 100 organizations (the bench org holds 1,000 of them), valid, expired and revoked.
  const certIds: string[] = [];
  await inBatches(COUNTS.certificates, async (from, n) => {
    const ids = Array.from({ length: n }, (_, i) => `benchcert${String(from + i).padStart(9, "0")}`);
    certIds.push(...ids);
    const serials = ids.map(() => hex(16));
    const fingerprints = ids.map(() => hex(32));
    await client.query(
      `INSERT INTO certificate (id, "serialHex", "issuerCaId", kind, status, "orgId", "pluginId", subject, "notBefore", "notAfter", "fingerprintSha256", "createdAt")
       SELECT id, serial, $4, 'plugin', (CASE WHEN (n + $6) % 10 = 0 THEN 'revoked' ELSE 'issued' END)::"CertificateStatus",
              ($5::text[])[1 + ((n + $6) % 100)], 'com.bench.plugin' || (n + $6), 'O=Bench Plugins, CN=com.bench.plugin' || (n + $6),
              $7::timestamp + ((n + $6) || ' seconds')::interval, $7::timestamp + ((n + $6) || ' seconds')::interval + ((30 + (n + $6) % 700) || ' days')::interval,
              fp, $7::timestamp + ((n + $6) || ' seconds')::interval
       FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(id, serial, fp, n)`,
      [ids, serials, fingerprints, orgCaId, owners, from, new Date(t0)],
    );
  });
  // Requests: pending, approved and rejected, for the same organizations.
  await inBatches(COUNTS.requests, async (from, n) => {
    const ids = Array.from({ length: n }, (_, i) => `benchreq${String(from + i).padStart(9, "0")}`);
    await client.query(
      `INSERT INTO certificate_request (id, kind, status, "orgId", "pluginId", "keyMode", "keyAlgorithm", "keySize", "fingerprintSha256", subject, "createdAt")
       SELECT id, 'plugin_cert', (ARRAY['pending','approved','rejected']::"RequestStatus"[])[1 + (n + $3) % 3], ($2::text[])[1 + ((n + $3) % 100)],
              'com.bench.req' || (n + $3), 'hosted', 'rsa-3072', 3072, md5(id) || md5(id), 'O=Bench Plugins, CN=com.bench.req' || (n + $3), $4::timestamp + ((n + $3) || ' seconds')::interval
       FROM unnest($1::text[]) WITH ORDINALITY AS t(id, n)`,
      [ids, owners, from, new Date(t0)],
    );
  });
  // Artifacts of the bench organization, signed by its certificates.
  const benchCerts = (await client.query(`SELECT id FROM certificate WHERE "orgId" = $1 AND id LIKE 'benchcert%' LIMIT 500`, [bench])).rows.map((r) => r.id as string);
  await inBatches(COUNTS.artifacts, async (from, n) => {
    const ids = Array.from({ length: n }, (_, i) => `benchart${String(from + i).padStart(9, "0")}`);
    await client.query(
      `INSERT INTO artifact (id, "orgId", "pluginId", version, sha256, size, files, "certificateId", "storagePath", signature, "createdAt")
       SELECT id, $2, 'com.bench.plugin' || ((n + $4) % 500), '1.' || ((n + $4) / 500) || '.0', md5(id) || md5(id || 'x'), 1000, '[]'::jsonb,
              ($3::text[])[1 + ((n + $4) % array_length($3::text[], 1))], 'bench/' || id, '\\x00'::bytea, $5::timestamp + ((n + $4) || ' seconds')::interval
       FROM unnest($1::text[]) WITH ORDINALITY AS t(id, n)`,
      [ids, bench, benchCerts, from, new Date(t0)],
    );
  });
  // Audit events after the real ones (hash-shaped placeholders: this chain is not verified here).
  const last = (await client.query(`SELECT coalesce(max(seq), 0) AS s FROM audit_event`)).rows[0].s as string;
  await inBatches(COUNTS.audit, async (from, n) => {
    const seqs = Array.from({ length: n }, (_, i) => String(BigInt(last) + BigInt(from + i + 1)));
    await client.query(
      `INSERT INTO audit_event (seq, "createdAt", "actorLabel", action, "subjectType", "subjectId", "orgId", outcome, details, "prevHash", hash)
       SELECT s, $2::timestamp + (s || ' seconds')::interval, 'admin' || (s % 50) || '@bench.test',
              (ARRAY['certificate.issued','artifact.signed','request.created','http.forbidden'])[1 + s % 4], 'certificate',
              ($3::text[])[1 + (s % $4)], ($5::text[])[1 + s % 97], CASE WHEN s % 4 = 3 THEN 'denied' ELSE 'success' END, '{}'::jsonb,
              encode(sha256(convert_to('bench' || (s - 1), 'UTF8')), 'hex'), encode(sha256(convert_to('bench' || s, 'UTF8')), 'hex')
       FROM unnest($1::bigint[]) AS t(s)`,
      [seqs, new Date(t0), certIds.slice(0, 5000), 5000, owners],
    );
  });
  await client.query("ANALYZE");
  const sample = (await client.query(`SELECT "serialHex", "pluginId" FROM certificate WHERE id = 'benchcert000004242'`)).rows[0] as { serialHex: string; pluginId: string };
  return { sample };
}

type Case = { list: string; what: string; url: string; explain?: string; params?: unknown[] };

async function time(url: string, token: string): Promise<{ ms: number; rows: number }> {
  const start = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.text();
  const ms = performance.now() - start;
  if (!res.ok) throw new Error(`${url}: ${res.status} ${body.slice(0, 300)}`);
  const parsed = JSON.parse(body) as unknown[] | { events: unknown[] };
  return { ms, rows: Array.isArray(parsed) ? parsed.length : "events" in parsed ? parsed.events.length : 1 };
}

/** The plan's access path: the first index scan it names (or "Seq Scan" when it has none). */
async function plan(client: pg.Client, sql: string, params: unknown[]): Promise<string> {
  const rows = (await client.query(`EXPLAIN ${sql}`, params)).rows.map((r) => r["QUERY PLAN"] as string);
  const index = rows.map((l) => /(Index(?: Only)? Scan(?: Backward)? using \S+|Bitmap Index Scan on \S+)/.exec(l)?.[1]).find(Boolean);
  return index ?? (rows.some((l) => l.includes("Seq Scan")) ? "Seq Scan" : rows[0]);
}

export async function benchLists(): Promise<{ markdown: string; worstMs: number }> {
  await freshBenchDatabase();
  const store = await seedStore();
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  const seedStart = performance.now();
  const { sample } = await seedLists(client, store.orgCaId);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const bench = (await client.query(`SELECT id FROM organization WHERE slug = 'bench'`)).rows[0].id as string;

  const base = `http://localhost:${PORT}`;
  const server = spawn(process.execPath, [path.join(ROOT, "scripts", "start.mjs")], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(PORT), NODE_ENV: "production", SIGNET_PUBLIC_URL: base, DATABASE_URL: BENCH_DATABASE_URL },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    await waitFor(`${base}/api/v1/health`, 900_000);
    const C = `SELECT id FROM certificate`;
    const cases: (Case & { token?: string })[] = [
      { list: "(floor)", what: "one organization by slug: auth + one row, no list", url: "/api/v1/orgs/bench" },
      { list: "certificates", what: "first page (operator, newest first)", url: "/api/v1/certificates?limit=25", explain: `${C} WHERE status IN ('issued','revoked') ORDER BY "createdAt" DESC, id DESC LIMIT 26` },
      { list: "certificates", what: "first page, console default (expiry order)", url: "/api/v1/certificates?limit=25&sort=notAfter&order=asc", explain: `${C} WHERE status IN ('issued','revoked') ORDER BY "notAfter" ASC, id ASC LIMIT 26` },
      { list: "certificates", what: "status=revoked, org=bench", url: "/api/v1/certificates?limit=25&status=revoked&org=bench", explain: `${C} WHERE "orgId" = $1 AND status = 'revoked' ORDER BY "createdAt" DESC, id DESC LIMIT 26`, params: [bench] },
      { list: "certificates", what: "search: serial start", url: `/api/v1/certificates?limit=25&q=${sample.serialHex.slice(0, 10)}`, explain: `${C} WHERE "serialHex" LIKE $1 OR "fingerprintSha256" LIKE $1 ORDER BY "createdAt" DESC, id DESC LIMIT 26`, params: [`${sample.serialHex.slice(0, 10)}%`] },
      { list: "certificates", what: "search: plugin id", url: `/api/v1/certificates?limit=25&q=${sample.pluginId}`, explain: `${C} WHERE subject ILIKE $1 ORDER BY "createdAt" DESC, id DESC LIMIT 26`, params: [`%${sample.pluginId}%`] },
      { list: "certificates", what: "page 2 by cursor", url: "CURSOR:/api/v1/certificates?limit=25", explain: `${C} WHERE "createdAt" <= now() AND ("createdAt" < now() OR id < 'x') ORDER BY "createdAt" DESC, id DESC LIMIT 26` },
      { list: "certificates", what: "first page (org member)", url: "/api/v1/certificates?limit=25", token: store.orgAdminToken, explain: `${C} WHERE "orgId" IN ($1) ORDER BY "createdAt" DESC, id DESC LIMIT 26`, params: [bench] },
      { list: "requests", what: "first page, pending", url: "/api/v1/requests?limit=25&status=pending", explain: `SELECT id FROM certificate_request WHERE status = 'pending' ORDER BY "createdAt" DESC, id DESC LIMIT 26` },
      { list: "requests", what: "search: plugin id", url: "/api/v1/requests?limit=25&q=com.bench.req4242", explain: `SELECT id FROM certificate_request WHERE "pluginId" ILIKE '%com.bench.req4242%' ORDER BY "createdAt" DESC, id DESC LIMIT 26` },
      { list: "organizations", what: "first page", url: "/api/v1/orgs?limit=25", explain: `SELECT id FROM organization ORDER BY "createdAt" DESC, id DESC LIMIT 26` },
      { list: "organizations", what: "search: name, status=approved", url: "/api/v1/orgs?limit=25&q=publisher%2042&status=approved", explain: `SELECT id FROM organization WHERE status = 'approved' AND name ILIKE '%publisher 42%' ORDER BY "createdAt" DESC, id DESC LIMIT 26` },
      { list: "artifacts", what: "first page (bench org)", url: "/api/v1/orgs/bench/artifacts?limit=25", explain: `SELECT id FROM artifact WHERE "orgId" = $1 ORDER BY "createdAt" DESC, id DESC LIMIT 26`, params: [bench] },
      { list: "artifacts", what: "search: plugin id", url: "/api/v1/orgs/bench/artifacts?limit=25&q=com.bench.plugin42", explain: `SELECT id FROM artifact WHERE "orgId" = $1 AND "pluginId" ILIKE '%com.bench.plugin42%' ORDER BY "createdAt" DESC, id DESC LIMIT 26`, params: [bench] },
      { list: "audit", what: "first page", url: "/api/v1/audit?limit=25", explain: `SELECT seq FROM audit_event ORDER BY seq DESC LIMIT 25` },
      { list: "audit", what: "outcome=denied, org=bench", url: "/api/v1/audit?limit=25&outcome=denied&org=bench", explain: `SELECT seq FROM audit_event WHERE "orgId" = $1 AND outcome = 'denied' ORDER BY seq DESC LIMIT 25`, params: [bench] },
      { list: "audit", what: "about a serial", url: `/api/v1/audit?limit=25&subject=${sample.serialHex}`, explain: `SELECT seq FROM audit_event WHERE "subjectId" IN ('benchcert000004242') ORDER BY seq DESC LIMIT 25` },
    ];
    const rows: (string | number)[][] = [];
    let worst = 0;
    for (const c of cases) {
      const token = c.token ?? store.operatorToken;
      let url = `${base}${c.url}`;
      if (c.url.startsWith("CURSOR:")) {
        const first = await fetch(`${base}${c.url.slice(7)}`, { headers: { authorization: `Bearer ${token}` } });
        url = `${base}${c.url.slice(7)}&cursor=${first.headers.get("x-next-cursor")}`;
      }
      for (let i = 0; i < 3; i++) await time(url, token); // warm-up: compiled route, connection pool, caches
      const samples: number[] = [];
      let count = 0;
      for (let i = 0; i < RUNS; i++) {
        const t = await time(url, token);
        samples.push(t.ms);
        count = t.rows;
      }
      samples.sort((a, b) => a - b);
      const median = samples[Math.floor(RUNS / 2)];
      const p95 = samples[Math.min(RUNS - 1, Math.ceil(RUNS * 0.95) - 1)];
      worst = Math.max(worst, p95);
      const access = c.explain ? await plan(client, c.explain, c.params ?? []) : "";
      rows.push([c.list, c.what, count, median, p95, p95 < GOAL_MS ? "yes" : "NO", access]);
    }
    const markdown = [
      `Load average while measuring: ${os.loadavg().map((l) => l.toFixed(1)).join(", ")} on ${os.cpus().length} cores (other sessions share the machine). Seeded on the PostgreSQL server in ${seedSeconds.toFixed(1)} s: ${Object.entries(COUNTS).map(([k, v]) => `${v.toLocaleString("en")} ${k}`).join(", ")}. Each row: ${RUNS} sequential requests through the HTTP API after 3 warm-ups (production server, bearer token).\n`,
      table(["list", "page", "rows", "median (ms)", "p95 (ms)", `< ${GOAL_MS} ms`, "EXPLAIN access path"], rows),
      `\nWorst p95: ${worst.toFixed(1)} ms.`,
    ].join("\n");
    return { markdown, worstMs: worst };
  } finally {
    server.kill("SIGTERM");
    await client.end();
  }
}
