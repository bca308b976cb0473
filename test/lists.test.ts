// Issue 13, "Scale in the console" and "Audit you can read": the list routes page by opaque cursor
// (keyset on indexed columns) without skipping or repeating a row while rows are being inserted,
// stay inside the caller's organization whatever cursor they are handed, search the things people
// type, decide several requests at once through the one workflow, and export the filtered audit.
import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { GET as listOrgs, POST as registerOrg } from "@/app/api/v1/orgs/route";
import { GET as listRequests } from "@/app/api/v1/requests/route";
import { POST as decideMany } from "@/app/api/v1/requests/decisions/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { POST as requestPlugin } from "@/app/api/v1/orgs/[slug]/plugin-cert-requests/route";
import { GET as listCertificates } from "@/app/api/v1/certificates/route";
import { GET as listArtifacts } from "@/app/api/v1/orgs/[slug]/artifacts/route";
import { GET as listAudit } from "@/app/api/v1/audit/route";
import { GET as exportAudit } from "@/app/api/v1/audit/export/route";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { appendAuditEvent } from "@/lib/server/audit/append-audit-event";
import { ANONYMOUS } from "@/lib/server/auth/principal";
import { call, followContactLink, resetDatabase } from "./helpers";

const H = (h: unknown) => h as never;
const BASE = "http://localhost:3999";
let operator = "";
const admins: Record<string, string> = {};
const orgIds: Record<string, string> = {};

async function register(name: string, slug: string, prefix: string) {
  const res = await call(H(registerOrg), { json: { name, slug, pluginIdPrefix: prefix, admin: { email: `admin@${slug}.test`, password: "org-password-1" }, token: true } });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { token: string; org: { id: string }; request: { id: string } };
  admins[slug] = body.token;
  orgIds[slug] = body.org.id;
  return body.request.id;
}

const hex = (n = 16) => crypto.randomBytes(n).toString("hex");

/** Bulk rows straight into the tables (the workflows would take minutes for this many); read back only through the API. */
async function seedCertificates(slug: string, count: number, at: Date, prefix: string) {
  const client = await db();
  await client.certificate.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      serialHex: hex(),
      kind: "plugin" as const,
      status: "issued" as const,
      orgId: orgIds[slug],
      pluginId: `${prefix}${i}`,
      subject: `O=${slug}, CN=${prefix}${i}`,
      notBefore: at,
      notAfter: new Date(at.getTime() + 365 * 86_400_000),
      fingerprintSha256: hex(32),
      createdAt: at,
    })),
  });
}

type Page<T> = { items: T[]; next: string | null; link: string | null };
async function page<T>(handler: unknown, token: string, url: string, params?: Record<string, string>): Promise<Page<T>> {
  const res = await call(H(handler), { token, url, params });
  expect(res.status, await res.clone().text()).toBe(200);
  return { items: (await res.json()) as T[], next: res.headers.get("x-next-cursor"), link: res.headers.get("link") };
}

type Cert = { id: string; serial: string; orgSlug: string | null; pluginId: string | null };

describe("lists: cursor pagination, scope, search, bulk decisions and audit export", () => {
  beforeAll(async () => {
    await resetDatabase();
    operator = (await initializeSignet({ adminEmail: "ops@example.com", adminPassword: "pw-123456789" })).operatorToken;
    const acmeCa = await register("Acme Plugins", "acme", "com.acme.");
    await register("Beta Tools", "beta", "org.beta.");
    await followContactLink("admin@acme.test");
    expect((await call(H(approve), { token: operator, params: { id: acmeCa } })).status).toBe(200);
    // Many rows share one timestamp, so the id tiebreak is what keeps paging exact.
    const t0 = new Date("2026-06-01T00:00:00Z");
    await seedCertificates("acme", 40, t0, "com.acme.bulk");
    await seedCertificates("acme", 15, new Date(t0.getTime() + 1000), "com.acme.later");
    await seedCertificates("beta", 12, t0, "org.beta.bulk");
  });

  it("pages certificates by cursor, oldest first, while rows are inserted: nothing skipped or repeated", async () => {
    const before = await page<Cert>(listCertificates, operator, `${BASE}/api/v1/certificates?sort=createdAt&order=asc&limit=1000`);
    const seen: string[] = [];
    let cursor: string | null = null;
    let round = 0;
    do {
      const url = `${BASE}/api/v1/certificates?sort=createdAt&order=asc&limit=7${cursor ? `&cursor=${cursor}` : ""}`;
      const p: Page<Cert> = await page<Cert>(listCertificates, operator, url);
      expect(p.items.length).toBeLessThanOrEqual(7);
      if (p.next) expect(p.link).toContain(`cursor=${p.next}`);
      seen.push(...p.items.map((c) => c.id));
      // Rows arrive between pages: some older than the cursor (not to be seen), some newer.
      if (round++ === 2) {
        await seedCertificates("acme", 3, new Date("2026-01-01T00:00:00Z"), "com.acme.past");
        await seedCertificates("acme", 5, new Date("2027-01-01T00:00:00Z"), "com.acme.future");
      }
      cursor = p.next;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const c of before.items) expect(seen).toContain(c.id);
    expect(seen.length).toBe(before.items.length + 5);
  });

  it("pages newest first by default and by another sort, and keeps the old array answer for callers that pass nothing", async () => {
    const all = await page<Cert>(listCertificates, operator, `${BASE}/api/v1/certificates`);
    expect(all.next).toBeNull();
    expect(all.items.length).toBeGreaterThan(70);
    for (const sort of ["createdAt", "notAfter", "subject"]) {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const p: Page<Cert> = await page<Cert>(listCertificates, operator, `${BASE}/api/v1/certificates?sort=${sort}&limit=11${cursor ? `&cursor=${cursor}` : ""}`);
        ids.push(...p.items.map((c) => c.id));
        cursor = p.next;
      } while (cursor);
      expect(ids.length).toBe(all.items.length);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it("gives nothing of another organization to a caller who replays its cursor", async () => {
    const beta = await page<Cert>(listCertificates, operator, `${BASE}/api/v1/certificates?org=beta&limit=3`);
    expect(beta.next).toBeTruthy();
    const replay = await page<Cert>(listCertificates, admins.acme, `${BASE}/api/v1/certificates?org=beta&limit=3&cursor=${beta.next}`);
    expect(replay.items).toEqual([]);
    const unfiltered = await page<Cert>(listCertificates, admins.acme, `${BASE}/api/v1/certificates?limit=50&cursor=${beta.next}`);
    expect(unfiltered.items.length).toBeGreaterThan(0);
    expect(unfiltered.items.every((c) => c.orgSlug === "acme")).toBe(true);
    // The operator's org listing, replayed by a member: only the member's own organization.
    const orgs = await page<{ slug: string }>(listOrgs, operator, `${BASE}/api/v1/orgs?limit=1`);
    const mine = await page<{ slug: string }>(listOrgs, admins.beta, `${BASE}/api/v1/orgs?limit=1&cursor=${orgs.next}`);
    expect(mine.items.every((o) => o.slug === "beta")).toBe(true);
  });

  it("refuses a forged or foreign-sort cursor and an oversized page with a 400 problem", async () => {
    for (const url of [
      `${BASE}/api/v1/certificates?cursor=bm90LWpzb24`,
      `${BASE}/api/v1/certificates?cursor=${Buffer.from(JSON.stringify({ s: "createdAt", o: "desc", v: "yesterday", i: "x" })).toString("base64url")}`,
      `${BASE}/api/v1/certificates?cursor=%2F%2F`,
      `${BASE}/api/v1/certificates?limit=1001`,
      `${BASE}/api/v1/certificates?limit=0`,
    ]) {
      const res = await call(H(listCertificates), { token: operator, url });
      expect(res.status, url).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    expect((await call(H(listRequests), { token: operator, url: `${BASE}/api/v1/requests?limit=501` })).status).toBe(400);
    expect((await call(H(listOrgs), { token: operator, url: `${BASE}/api/v1/orgs?sort=slug` })).status).toBe(400);
    const bySubject = await page<Cert>(listCertificates, operator, `${BASE}/api/v1/certificates?sort=subject&limit=2`);
    const wrongSort = await call(H(listCertificates), { token: operator, url: `${BASE}/api/v1/certificates?sort=notAfter&limit=2&cursor=${bySubject.next}` });
    expect(wrongSort.status).toBe(400);
  });

  it("searches certificates by serial start, plugin id, subject and fingerprint; organizations by name and slug", async () => {
    const sample = (await page<Cert & { fingerprintSha256: string }>(listCertificates, operator, `${BASE}/api/v1/certificates?org=beta&limit=1`)).items[0];
    const bySerial = await page<Cert>(listCertificates, operator, `${BASE}/api/v1/certificates?q=${sample.serial.slice(0, 12)}`);
    expect(bySerial.items.map((c) => c.id)).toEqual([sample.id]);
    const byPlugin = await page<Cert>(listCertificates, operator, `${BASE}/api/v1/certificates?q=${sample.pluginId}`);
    expect(byPlugin.items.map((c) => c.id)).toContain(sample.id);
    const byFingerprint = await page<Cert>(listCertificates, operator, `${BASE}/api/v1/certificates?q=${sample.fingerprintSha256.slice(0, 16)}`);
    expect(byFingerprint.items.map((c) => c.id)).toEqual([sample.id]);
    // A member's search never reaches outside their organization.
    expect((await page<Cert>(listCertificates, admins.acme, `${BASE}/api/v1/certificates?q=${sample.serial}`)).items).toEqual([]);

    expect((await page<{ slug: string }>(listOrgs, operator, `${BASE}/api/v1/orgs?q=beta%20to`)).items.map((o) => o.slug)).toEqual(["beta"]);
    expect((await page<{ slug: string }>(listOrgs, operator, `${BASE}/api/v1/orgs?q=ACME`)).items.map((o) => o.slug)).toEqual(["acme"]);
    expect((await page<{ slug: string }>(listOrgs, operator, `${BASE}/api/v1/orgs?status=approved`)).items.map((o) => o.slug)).toEqual(["acme"]);
    const byName = await page<{ slug: string }>(listOrgs, operator, `${BASE}/api/v1/orgs?sort=name&limit=1`);
    expect(byName.items.map((o) => o.slug)).toEqual(["acme"]);
    expect((await page<{ slug: string }>(listOrgs, operator, `${BASE}/api/v1/orgs?sort=name&limit=1&cursor=${byName.next}`)).items.map((o) => o.slug)).toEqual(["beta"]);
  });

  it("decides several requests at once, each through the one workflow, with a result per request", async () => {
    const ids: string[] = [];
    for (const name of ["one", "two", "three"]) {
      const res = await call(H(requestPlugin), { token: admins.acme, params: { slug: "acme" }, json: { pluginId: `com.acme.bulk-${name}`, keyAlgorithm: "rsa-2048" } });
      expect(res.status, await res.clone().text()).toBe(201);
      ids.push(((await res.json()) as { request: { id: string } }).request.id);
    }
    const pending = await page<{ id: string; pluginId: string }>(listRequests, admins.acme, `${BASE}/api/v1/requests?status=pending&q=bulk-t`);
    expect(pending.items.map((r) => r.pluginId).sort()).toEqual(["com.acme.bulk-three", "com.acme.bulk-two"]);
    // Beta's admin may not decide Acme's requests: every item refused, nothing decided.
    const foreign = await call(H(decideMany), { token: admins.beta, json: { decision: "approve", ids } });
    expect(foreign.status).toBe(200);
    const refused = (await foreign.json()) as { results: { ok: boolean; problem?: { status: number } }[] };
    expect(refused.results.every((r) => !r.ok && r.problem?.status === 404)).toBe(true);

    expect((await call(H(approve), { token: admins.acme, params: { id: ids[0] } })).status).toBe(200);
    const res = await call(H(decideMany), { token: admins.acme, json: { decision: "approve", ids } });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: { id: string; ok: boolean; status?: string; certificateSerial?: string; problem?: { status: number; detail: string } }[] };
    expect(results.map((r) => r.id)).toEqual(ids);
    expect(results[0]).toMatchObject({ ok: false, problem: { status: 409 } });
    for (const r of results.slice(1)) {
      expect(r).toMatchObject({ ok: true, status: "approved" });
      expect(r.certificateSerial).toMatch(/^[0-9a-f]+$/);
    }
    // The refusal is in the audit log, like a refused single approval.
    const conflicts = (await (await call(H(listAudit), { token: operator, url: `${BASE}/api/v1/audit?action=http.conflict` })).json()) as { events: { details: { path: string } }[] };
    expect(conflicts.events.some((e) => e.details.path === `/api/v1/requests/${ids[0]}/approve`)).toBe(true);

    expect((await call(H(decideMany), { token: admins.acme, json: { decision: "reject", ids } })).status).toBe(400);
    expect((await call(H(decideMany), { token: admins.acme, json: { decision: "approve", ids: [ids[1], ids[1]] } })).status).toBe(400);
    expect((await call(H(decideMany), { token: admins.acme, json: { decision: "approve", ids: Array.from({ length: 101 }, (_, i) => `r${i}`) } })).status).toBe(400);
  });

  it("pages an organization's artifacts and searches them", async () => {
    const client = await db();
    const cert = await client.certificate.findFirstOrThrow({ where: { orgId: orgIds.acme } });
    await client.artifact.createMany({
      data: Array.from({ length: 9 }, (_, i) => ({ orgId: orgIds.acme, pluginId: `com.acme.art${i % 3}`, version: `1.0.${i}`, sha256: hex(32), size: BigInt(100), files: [], certificateId: cert.id, storagePath: `nowhere/${i}`, signature: new Uint8Array([1]), createdAt: new Date(Date.UTC(2026, 5, 1, 0, 0, i % 2)) })),
    });
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const p: Page<{ id: string }> = await page<{ id: string }>(listArtifacts, admins.acme, `${BASE}/api/v1/orgs/acme/artifacts?limit=4${cursor ? `&cursor=${cursor}` : ""}`, { slug: "acme" });
      ids.push(...p.items.map((a) => a.id));
      cursor = p.next;
    } while (cursor);
    expect(new Set(ids).size).toBe(9);
    const found = await page<{ pluginId: string; version: string }>(listArtifacts, admins.acme, `${BASE}/api/v1/orgs/acme/artifacts?q=art1`, { slug: "acme" });
    expect(found.items.map((a) => a.pluginId)).toEqual(["com.acme.art1", "com.acme.art1", "com.acme.art1"]);
    expect((await call(H(listArtifacts), { token: admins.beta, url: `${BASE}/api/v1/orgs/acme/artifacts`, params: { slug: "acme" } })).status).toBe(404);
  });

  it("names audit subjects by serial, plugin id and organization, filters by them, and exports the filtered log as CSV and JSON", async () => {
    type Event = { seq: string; action: string; subject: { label: string; href: string | null } | null; org: { slug: string; name: string } | null };
    const issued = (await (await call(H(listAudit), { token: operator, url: `${BASE}/api/v1/audit?action=certificate.issued` })).json()) as { events: Event[] };
    const plugin = issued.events.find((e) => e.subject?.label.startsWith("com.acme.bulk-"))!;
    expect(plugin.subject!.href).toMatch(/^\/certificates\/[0-9a-f]+$/);
    expect(plugin.org).toEqual({ slug: "acme", name: "Acme Plugins" });
    const serial = plugin.subject!.href!.split("/").pop()!;
    const about = (await (await call(H(listAudit), { token: operator, url: `${BASE}/api/v1/audit?subject=${serial}` })).json()) as { events: Event[] };
    expect(about.events.map((e) => e.seq)).toContain(plugin.seq);
    expect(about.events.every((e) => e.subject?.href === `/certificates/${serial}`)).toBe(true);
    const registered = (await (await call(H(listAudit), { token: operator, url: `${BASE}/api/v1/audit?action=org.registered&subject=beta` })).json()) as { events: Event[] };
    expect(registered.events).toHaveLength(1);
    expect(registered.events[0].subject).toEqual({ label: "Beta Tools", href: "/orgs/beta" });
    const problems = (await (await call(H(listAudit), { token: operator, url: `${BASE}/api/v1/audit?outcome=problems` })).json()) as { events: { outcome: string }[] };
    expect(problems.events.length).toBeGreaterThan(0);
    expect(problems.events.every((e) => e.outcome !== "success")).toBe(true);

    const listed = (await (await call(H(listAudit), { token: operator, url: `${BASE}/api/v1/audit?org=acme&limit=500` })).json()) as { events: Event[] };
    const csv = await call(H(exportAudit), { token: operator, url: `${BASE}/api/v1/audit/export?format=csv&org=acme` });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-disposition")).toMatch(/attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = (await csv.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("seq,at,actor,action,outcome,subjectType,subjectId,subject,org,details,hash");
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(listed.events.map((e) => e.seq));
    const json = await call(H(exportAudit), { token: operator, url: `${BASE}/api/v1/audit/export?format=json&org=acme&action=request.` });
    const rows = JSON.parse(await json.text()) as Event[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((e) => e.action.startsWith("request.") && e.org?.slug === "acme")).toBe(true);
    const none = await call(H(exportAudit), { token: operator, url: `${BASE}/api/v1/audit/export?format=json&org=nobody` });
    expect(JSON.parse(await none.text())).toEqual([]);

    expect((await call(H(exportAudit), { token: admins.acme, url: `${BASE}/api/v1/audit/export` })).status).toBe(403);
    expect((await call(H(exportAudit), { url: `${BASE}/api/v1/audit/export` })).status).toBe(401);
    expect((await call(H(exportAudit), { token: operator, url: `${BASE}/api/v1/audit/export?format=xml` })).status).toBe(400);
  });

  it("streams an export larger than one batch without losing an event", async () => {
    const client = await db();
    await client.$transaction(async (tx) => {
      for (let i = 0; i < 620; i++) await appendAuditEvent(tx, { actor: ANONYMOUS, action: "test.filler", subjectType: "test", details: { i } });
    }, { timeout: 120_000 });
    const res = await call(H(exportAudit), { token: operator, url: `${BASE}/api/v1/audit/export?format=json` });
    const rows = JSON.parse(await res.text()) as { seq: string }[];
    expect(rows.length).toBe(await client.auditEvent.count());
    const seqs = rows.map((r) => BigInt(r.seq));
    expect(seqs.every((s, i) => i === 0 || s < seqs[i - 1])).toBe(true);
    // A cell a spreadsheet would run as a formula is written as text.
    await client.$transaction((tx) => appendAuditEvent(tx, { actor: ANONYMOUS, action: "test.formula", subjectType: "test", subjectId: "=HYPERLINK(1)" }));
    const csv = await (await call(H(exportAudit), { token: operator, url: `${BASE}/api/v1/audit/export?action=test.formula` })).text();
    expect(csv.split("\r\n")[1]).toContain(",'=HYPERLINK(1),");
  });
});
