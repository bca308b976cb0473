import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { GET as listAudit } from "@/app/api/v1/audit/route";
import { GET as verifyAudit } from "@/app/api/v1/audit/verify/route";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { call, resetDatabase } from "./helpers";

const H = (h: unknown) => h as never;
const run = promisify(execFile);

type AuditPage = { events: { seq: string; action: string; actor: string; orgId: string | null }[]; nextBefore: string | null };

describe("audit: browse, filter and verify the hash chain", () => {
  let operator = "";
  let orgAdmin = "";

  beforeAll(async () => {
    await resetDatabase();
    operator = (await initializeSignet({ adminEmail: "ops@example.com", adminPassword: "pw-123456789" })).operatorToken;
    const res = await call(H(registerOrg), { json: { name: "Acme Plugins", slug: "acme", pluginIdPrefix: "com.acme.", admin: { email: "admin@acme.test", password: "acme-password-1" }, token: true } });
    expect(res.status).toBe(201);
    orgAdmin = ((await res.json()) as { token: string }).token;
  });

  it("is for operators only", async () => {
    expect((await call(H(listAudit))).status).toBe(401);
    expect((await call(H(listAudit), { token: orgAdmin })).status).toBe(403);
    expect((await call(H(verifyAudit), { token: orgAdmin })).status).toBe(403);
  });

  it("lists events newest first, filters them and pages by sequence", async () => {
    const all = (await (await call(H(listAudit), { token: operator })).json()) as AuditPage;
    expect(all.events.length).toBeGreaterThan(3);
    const seqs = all.events.map((e) => BigInt(e.seq));
    expect([...seqs].sort((a, b) => (a < b ? 1 : -1))).toEqual(seqs);

    const byOrg = (await (await call(H(listAudit), { token: operator, url: "http://localhost:3999/api/v1/audit?org=acme" })).json()) as AuditPage;
    expect(byOrg.events.length).toBeGreaterThan(0);
    expect(new Set(byOrg.events.map((e) => e.orgId)).size).toBe(1);

    const byActor = (await (await call(H(listAudit), { token: operator, url: "http://localhost:3999/api/v1/audit?actor=admin@acme" })).json()) as AuditPage;
    expect(byActor.events.every((e) => e.actor === "admin@acme.test")).toBe(true);

    const family = (await (await call(H(listAudit), { token: operator, url: "http://localhost:3999/api/v1/audit?action=setup." })).json()) as AuditPage;
    expect(family.events.length).toBeGreaterThan(0);
    expect(family.events.every((e) => e.action.startsWith("setup."))).toBe(true);

    const page1 = (await (await call(H(listAudit), { token: operator, url: "http://localhost:3999/api/v1/audit?limit=2" })).json()) as AuditPage;
    expect(page1.events).toHaveLength(2);
    const page2 = (await (await call(H(listAudit), { token: operator, url: `http://localhost:3999/api/v1/audit?limit=2&before=${page1.nextBefore}` })).json()) as AuditPage;
    expect(BigInt(page2.events[0].seq)).toBeLessThan(BigInt(page1.events[1].seq));

    const bad = await call(H(listAudit), { token: operator, url: "http://localhost:3999/api/v1/audit?limit=100000&from=yesterday" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
  });

  it("detects an edited event and a deleted one, through the API and `signet audit verify`", async () => {
    const client = await db();
    const ok = (await (await call(H(verifyAudit), { token: operator })).json()) as { valid: boolean; events: number };
    expect(ok.valid).toBe(true);

    const target = await client.auditEvent.findFirstOrThrow({ where: { action: "org.registered" } });
    await client.$executeRawUnsafe(`UPDATE audit_event SET details = '{"name":"Evil"}' WHERE seq = ${target.seq}`);
    const edited = (await (await call(H(verifyAudit), { token: operator })).json()) as { valid: boolean; brokenAt: string };
    expect(edited).toMatchObject({ valid: false, brokenAt: target.seq.toString() });

    // The CLI reads the same database (the server one, when DATABASE_URL is set); the embedded one
    // admits one process at a time, so there only the in-process check runs.
    if (process.env.DATABASE_URL) {
      const cli = path.resolve("cli/signet.mjs");
      const err = await run(process.execPath, [cli, "audit", "verify"], { env: process.env }).catch((e: { code: number; stdout: string }) => e);
      expect(err).toMatchObject({ code: 1 });
      expect((err as { stdout: string }).stdout).toContain(`BROKEN at event ${target.seq}`);
    }

    const last = await client.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    await client.$executeRawUnsafe(`DELETE FROM audit_event WHERE seq = ${last.seq - 1n}`);
    const deleted = (await (await call(H(verifyAudit), { token: operator })).json()) as { valid: boolean; brokenAt: string };
    expect(deleted.valid).toBe(false);
  });
});
