// One organization per name, however it is spelled; one active CA per subject; a name frozen once
// its CA exists. Together with the closed library routes (test/identity-routes.test.ts), no
// organization can come to hold a CA in another's name.
import { beforeAll, describe, expect, it } from "vitest";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { db } from "@/lib/db";
import { nameKey, nameScriptProblem } from "@/lib/server/orgs/name-key";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { resetRateLimits } from "@/lib/server/http/rate-limit";
import { call, followContactLink, resetDatabase } from "./helpers";

const H = (h: unknown) => h as never;
let seq = 0;

function register(name: string, extra: Record<string, unknown> = {}) {
  const n = ++seq;
  resetRateLimits();
  return call(H(registerOrg), { json: { name, slug: `org-${n}`, pluginIdPrefix: `com.org${n}.`, admin: { email: `admin@org-${n}.test`, password: "org-password-1" }, ...extra } });
}

async function registered(name: string): Promise<{ requestId: string; slug: string }> {
  const res = await register(name);
  const body = (await res.json()) as { org: { slug: string }; request: { id: string } };
  expect(res.status, JSON.stringify(body)).toBe(201);
  await followContactLink(`admin@${body.org.slug}.test`);
  return { requestId: body.request.id, slug: body.org.slug };
}

describe("organization names and CA subjects", () => {
  let operator = "";

  beforeAll(async () => {
    await resetDatabase();
    operator = (await initializeSignet({ adminEmail: "ops@example.com", adminPassword: "pw-123456789" })).operatorToken;
  });

  it("folds names as relying parties compare them: case, width, compatibility forms, spaces, look-alike letters", () => {
    const key = nameKey("Org B");
    for (const same of ["org b", "ORG B", "Ｏｒｇ Ｂ", "Org  B", " Org B ", "Org\u00a0B", "Org\u3000B", "Or\u200bg B", "Org \u00adB"]) expect(nameKey(same), same).toBe(key);
    expect(nameKey("Straße")).toBe(nameKey("STRASSE"));
    expect(nameKey("Асе")).toBe(nameKey("Ace")); // Cyrillic А, с, е
    expect(nameKey("Org C")).not.toBe(key);
    expect(nameScriptProblem("Оrg B")).toMatch(/Latin and Cyrillic|Cyrillic and Latin/);
    expect(nameScriptProblem("Acme 株式会社")).toBeUndefined();
    expect(nameScriptProblem("Ελληνικά")).toBeUndefined();
  });

  it("refuses to register a name another organization holds in any spelling (409), and odd characters (400)", async () => {
    await registered("Org B");
    await registered("Ace");
    for (const same of ["org b", "ORG B", "Ｏｒｇ Ｂ", "Org  B", "  Org B ", "Org\u00a0B", "Асе"]) {
      const res = await register(same);
      const text = await res.text();
      expect(res.status, `${JSON.stringify(same)} → ${text}`).toBe(409);
      expect(text).toContain("is taken");
    }
    for (const [bad, why] of [
      ["Org\u202eB", /U\+202E/],
      ["Org\u200fB", /U\+200F/],
      ["Org\u200bB", /U\+200B/],
      ["Org\tB", /U\+0009/],
      ["Org\nB", /U\+000A/],
      ["Оrg B", /mixes/],
    ] as const) {
      const res = await register(bad);
      const text = await res.text();
      expect(res.status, `${JSON.stringify(bad)} → ${text}`).toBe(400);
      expect(text).toMatch(why);
    }
    const spaced = await registered("  Acme    Tools ");
    const client = await db();
    expect((await client.organization.findUniqueOrThrow({ where: { slug: spaced.slug } })).name).toBe("Acme Tools");
  });

  it("of concurrent registrations of one name, exactly one succeeds; its CA is the only one with that subject", async () => {
    const spellings = ["Race Org", "race org", "RACE ORG", "Ｒａｃｅ Ｏｒｇ", "Race  Org", "race Org", "Race org", "RaCe OrG"];
    const results = await Promise.all(spellings.map((s) => register(s)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array(spellings.length - 1).fill(409)]);
    const winner = (await results.find((r) => r.status === 201)!.json()) as { org: { slug: string }; request: { id: string } };
    await followContactLink(`admin@${winner.org.slug}.test`);
    const approvals = await Promise.all(Array.from({ length: 5 }, () => call(H(approve), { token: operator, params: { id: winner.request.id } })));
    expect(approvals.filter((r) => r.status === 200)).toHaveLength(1);
    const client = await db();
    const cas = await client.certificateAuthority.findMany({ where: { subjectKey: { startsWith: "o=race org" } } });
    expect(cas).toHaveLength(1);
  });

  it("never issues two active CAs with one subject, even from requests that were tampered with to share it", async () => {
    const one = await registered("Twin One");
    const two = await registered("Twin Two");
    const client = await db();
    // What a bypass (the library's rename, a row written before this check existed) would leave:
    // a second pending organization named like the first, its request asking for the same subject.
    const first = await client.certificateRequest.findUniqueOrThrow({ where: { id: one.requestId } });
    await client.organization.update({ where: { slug: two.slug }, data: { name: "Twin One" } });
    await client.certificateRequest.update({ where: { id: two.requestId }, data: { subject: first.subject } });
    const approvals = await Promise.all(Array.from({ length: 10 }, (_, i) => call(H(approve), { token: operator, params: { id: i % 2 ? one.requestId : two.requestId } })));
    const bodies = await Promise.all(approvals.map(async (r) => `${r.status} ${await r.text()}`));
    expect(approvals.filter((r) => r.status === 200), bodies.join("\n")).toHaveLength(1);
    expect(approvals.every((r) => r.status === 200 || r.status === 409), bodies.join("\n")).toBe(true);
    const cas = await client.certificateAuthority.findMany({ where: { subject: "O=Twin One, CN=Twin One CA" } });
    expect(cas).toHaveLength(1);
    expect(await client.certificate.count({ where: { subject: "O=Twin One, CN=Twin One CA", status: "issued" } })).toBe(1);

    // The database refuses a second active CA with that subject even without the workflow.
    const [ca] = cas;
    await expect(
      client.certificateAuthority.create({ data: { kind: "org", orgId: ca.orgId, parentId: ca.parentId, subject: ca.subject, subjectKey: ca.subjectKey, subjectDer: new Uint8Array(), spkiSha1: new Uint8Array() } }),
    ).rejects.toThrow();
  });

  it("issues the CA only in the name the operator reviewed: a pending organization renamed behind Signet's back gets nothing", async () => {
    const victim = await registered("Victim Org");
    const client = await db();
    const victimRequest = (await client.certificateRequest.findUniqueOrThrow({ where: { id: victim.requestId } })).id;
    expect((await call(H(approve), { token: operator, params: { id: victimRequest } })).status).toBe(200);
    const attacker = await registered("Harmless Org");
    await client.organization.update({ where: { slug: attacker.slug }, data: { name: "Victim Org" } });
    const res = await call(H(approve), { token: operator, params: { id: attacker.requestId } });
    const text = await res.text();
    expect(res.status, text).toBe(409);
    expect(text).toContain("nothing was issued");
    expect(await client.certificateAuthority.count({ where: { org: { slug: attacker.slug } } })).toBe(0);
    expect((await client.certificateRequest.findUniqueOrThrow({ where: { id: attacker.requestId } })).status).toBe("pending");
  });

  it("freezes an organization's name once it has a CA, in the database itself", async () => {
    const client = await db();
    // Two rows are named "Victim Org" by now (the renamed attacker has no CA): take the one with the CA.
    const org = await client.organization.findFirstOrThrow({ where: { name: "Victim Org", certificateAuthorities: { some: {} } } });
    await expect(client.organization.update({ where: { id: org.id }, data: { name: "Renamed Org" } })).rejects.toThrow();
    await expect(client.organization.update({ where: { id: org.id }, data: { nameKey: "renamed org" } })).rejects.toThrow();
    expect((await client.organization.findUniqueOrThrow({ where: { id: org.id } })).name).toBe("Victim Org");
    // Other fields are still Signet's to change.
    await client.organization.update({ where: { id: org.id }, data: { contactEmail: "new@victim.test" } });
  });

  it("frees the name of a rejected registration", async () => {
    const client = await db();
    const gone = await registered("Second Chance");
    await client.organization.update({ where: { slug: gone.slug }, data: { status: "rejected" } });
    await registered("second chance");
  });
});
