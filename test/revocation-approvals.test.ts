// Org CA revocations by more than one person (store policy orgCaRevocationApprovals): the first
// operator's revoke proposes, the N-th distinct operator's revokes in one transaction, the same
// person twice counts once, concurrent approvals revoke exactly once, and openssl reads the CRL.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { GET as getCertificate } from "@/app/api/v1/certificates/[serial]/route";
import { POST as revoke } from "@/app/api/v1/certificates/[serial]/revoke/route";
import { GET as listPending } from "@/app/api/v1/pending-revocations/route";
import { DELETE as withdraw } from "@/app/api/v1/pending-revocations/[id]/route";
import { PATCH as patchPolicy, PUT as putPolicy, GET as getPolicy } from "@/app/api/v1/settings/policy/route";
import { POST as disableUser } from "@/app/api/v1/users/[id]/disable/route";
import { GET as crlGet } from "@/app/crl/[file]/route";
import { db } from "@/lib/db";
import { call, createOperator, storeWithThreeOperators, expectJson, followContactLink } from "./helpers";
import { tempDir } from "./pki-fixtures";

const H = (h: unknown) => h as never;
const PASSWORD = "revocations-password-1";
const dir = tempDir("signet-revocation-approvals-");
type Approvals = { have: number; need: number; by: { email: string; at: string }[] };
type Pending = { id: string; serial: string; subject: string; orgSlug: string; reason: string; invalidityDate: string | null; requestedBy: string; approvals: Approvals };

async function orgCa(slug: string, operator: string): Promise<{ serial: string; caId: string; admin: string }> {
  const reg = await expectJson<{ token: string; request: { id: string } }>(
    call(H(registerOrg), { json: { name: `Org ${slug}`, slug, pluginIdPrefix: `com.${slug}.`, admin: { email: `admin@${slug}.test`, password: PASSWORD }, token: true } }),
    201,
  );
  await followContactLink(`admin@${slug}.test`);
  const issued = await expectJson<{ caId: string; certificate: { serial: string } }>(call(H(approve), { token: operator, params: { id: reg.request.id } }), 200);
  return { serial: issued.certificate.serial, caId: issued.caId, admin: reg.token };
}

const revokeAs = (token: string, serial: string, json: Record<string, unknown> = { reason: "cACompromise" }) => call(H(revoke), { token, params: { serial }, json });

async function setNeed(token: string, n: number) {
  await expectJson(call(H(patchPolicy), { token, method: "PATCH", json: { orgCaRevocationApprovals: n } }), 200);
}

async function pending(token: string): Promise<Pending[]> {
  return expectJson<Pending[]>(call(H(listPending), { token }), 200);
}

describe("org CA revocations by more than one operator", () => {
  let first: { id: string; token: string };
  let second: { id: string; token: string };
  let third: { id: string; token: string };

  beforeAll(async () => {
    [first, second, third] = await storeWithThreeOperators(PASSWORD);
  });

  it("the policy takes orgCaRevocationApprovals (1 by default, 1 to 10); a PUT without it keeps the stored value", async () => {
    expect((await expectJson<{ orgCaRevocationApprovals: number }>(call(H(getPolicy), { token: first.token }), 200)).orgCaRevocationApprovals).toBe(1);
    for (const bad of [0, 11, 1.5, "2"]) expect((await call(H(patchPolicy), { token: first.token, method: "PATCH", json: { orgCaRevocationApprovals: bad } })).status).toBe(400);
    await setNeed(first.token, 3);
    const put = { pluginApprovalRequiresOperator: false, orgCaValidityDays: 365, pluginCertValidityDays: 365 };
    expect((await expectJson<{ orgCaRevocationApprovals: number }>(call(H(putPolicy), { token: first.token, method: "PUT", json: put }), 200)).orgCaRevocationApprovals).toBe(3);
    expect((await expectJson<{ orgCaRevocationApprovals: number }>(call(H(putPolicy), { token: first.token, method: "PUT", json: { ...put, orgCaRevocationApprovals: 1 } }), 200)).orgCaRevocationApprovals).toBe(1);
    // Only operators change it.
    const { admin } = await orgCa("policy", first.token);
    expect((await call(H(patchPolicy), { token: admin, method: "PATCH", json: { orgCaRevocationApprovals: 1 } })).status).toBe(403);
  });

  it("with N = 1 one operator revokes at once, as before (200), and no pending revocation is left", async () => {
    const { serial } = await orgCa("solo", first.token);
    const body = await expectJson<{ status: string; pendingRevocation?: unknown }>(revokeAs(first.token, serial), 200);
    expect(body.status).toBe("revoked");
    expect(body.pendingRevocation).toBeUndefined();
    expect(await (await db()).pendingRevocation.count()).toBe(0);
  });

  it("2 of N: the first revoke proposes (202, nothing revoked), the same person twice counts once (409), another reason is refused (409), the second distinct operator revokes", async () => {
    await setNeed(first.token, 2);
    const { serial, caId, admin } = await orgCa("pair", first.token);
    const invalidityDate = "2026-01-02T03:04:05.000Z";
    const one = await expectJson<{ status: string; pendingRevocation: Pending }>(revokeAs(first.token, serial, { reason: "keyCompromise", invalidityDate }), 202);
    expect(one.status).toBe("issued");
    expect(one.pendingRevocation).toMatchObject({ serial, orgSlug: "pair", reason: "keyCompromise", invalidityDate, requestedBy: "ops@example.com", approvals: { have: 1, need: 2, by: [{ email: "ops@example.com" }] } });
    const client = await db();
    expect(await client.revocation.count({ where: { serialHex: serial } })).toBe(0);
    expect((await client.certificateAuthority.findUniqueOrThrow({ where: { id: caId } })).status).toBe("active");

    // The queue and the certificate's page show who approved and what is missing.
    expect((await pending(first.token)).map((p) => [p.serial, p.approvals.have, p.approvals.need])).toEqual([[serial, 1, 2]]);
    const page = await expectJson<{ pendingRevocation?: Pending }>(call(H(getCertificate), { token: second.token, params: { serial } }), 200);
    expect(page.pendingRevocation?.approvals.by.map((b) => b.email)).toEqual(["ops@example.com"]);
    // Not for the organization's eyes, nor its admin's to list.
    expect((await expectJson<{ pendingRevocation?: Pending }>(call(H(getCertificate), { token: admin, params: { serial } }), 200)).pendingRevocation).toBeUndefined();
    expect((await call(H(listPending), { token: admin })).status).toBe(403);
    expect((await call(H(listPending), {})).status).toBe(401);

    const twice = await revokeAs(first.token, serial, { reason: "keyCompromise", invalidityDate });
    expect(twice.status).toBe(409);
    expect(((await twice.json()) as { detail: string }).detail).toContain("you already approved this revocation");
    const other = await revokeAs(second.token, serial, { reason: "superseded" });
    expect(other.status).toBe(409);
    expect(((await other.json()) as { detail: string }).detail).toContain("pending with reason keyCompromise");
    expect(await client.requestApproval.count({ where: { revocation: { certificate: { serialHex: serial } } } })).toBe(1);

    const done = await expectJson<{ status: string; revocation: { reason: string; invalidityDate: string }; approvals: Approvals }>(revokeAs(second.token, serial, { reason: "keyCompromise", invalidityDate }), 200);
    expect(done.status).toBe("revoked");
    expect(done.revocation).toMatchObject({ reason: "keyCompromise", invalidityDate });
    expect(done.approvals.by.map((b) => b.email)).toEqual(["ops@example.com", "second@ops.test"]);
    expect((await client.certificateAuthority.findUniqueOrThrow({ where: { id: caId } })).status).toBe("revoked");
    expect(await pending(first.token)).toEqual([]);
    expect((await client.pendingRevocation.findFirstOrThrow({ where: { certificate: { serialHex: serial } } })).status).toBe("revoked");

    // Audited: the proposal, each approval, and the revocation naming who approved.
    const events = await client.auditEvent.findMany({ where: { action: { startsWith: "certificate.", not: "certificate.issued" }, details: { path: ["serial"], equals: serial } }, orderBy: { seq: "asc" }, select: { action: true, details: true } });
    expect(events.map((e) => e.action)).toEqual(["certificate.revocation_proposed", "certificate.revocation_approval_recorded", "certificate.revocation_approval_recorded", "certificate.revoked"]);
    expect((events[3].details as { approvedBy: string[] }).approvedBy).toEqual(["ops@example.com", "second@ops.test"]);

    // The root's CRL, read by openssl, lists the CA with the reason the operators agreed on.
    const rootId = (await client.certificateAuthority.findFirstOrThrow({ where: { kind: "root", status: "active" } })).id;
    const crl = await crlGet(new Request(`http://localhost:3999/crl/${rootId}.crl`), { params: Promise.resolve({ file: `${rootId}.crl` }) });
    expect(crl.status).toBe(200);
    fs.writeFileSync(path.join(dir, "root.crl"), Buffer.from(await crl.arrayBuffer()));
    const text = execFileSync("openssl", ["crl", "-inform", "DER", "-in", path.join(dir, "root.crl"), "-noout", "-text"], { encoding: "utf8" });
    expect(text.toUpperCase().replace(/:/g, "")).toContain(serial.toUpperCase());
    expect(text).toContain("Key Compromise");
  });

  it("concurrent approvals of one pending revocation revoke exactly once; the other is told it is already revoked", async () => {
    await setNeed(first.token, 2);
    const { serial } = await orgCa("race", first.token);
    await expectJson(revokeAs(first.token, serial), 202);
    const answers = await Promise.all([revokeAs(second.token, serial), revokeAs(third.token, serial)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const client = await db();
    expect(await client.revocation.count({ where: { serialHex: serial } })).toBe(1);
    expect(await client.auditEvent.count({ where: { action: "certificate.revoked", details: { path: ["serial"], equals: serial } } })).toBe(1);
  });

  it("two operators proposing at once: one proposes, the other's counts as the second approval (one pending row, one revocation)", async () => {
    await setNeed(first.token, 2);
    const { serial } = await orgCa("both", first.token);
    const answers = await Promise.all([revokeAs(first.token, serial), revokeAs(second.token, serial)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 202]);
    const client = await db();
    expect(await client.pendingRevocation.count({ where: { certificate: { serialHex: serial } } })).toBe(1);
    expect(await client.revocation.count({ where: { serialHex: serial } })).toBe(1);
  });

  it("an operator disabled since approving no longer counts; a withdrawn revocation revokes nothing and a new one starts afresh", async () => {
    await setNeed(first.token, 2);
    const { serial } = await orgCa("withdrawn", first.token);
    const gone = await createOperator("gone@ops.test", PASSWORD);
    await expectJson(revokeAs(gone.token, serial), 202);
    await expectJson(call(H(disableUser), { token: first.token, params: { id: gone.id }, json: { reason: "compromised" } }), 200);
    const still = await expectJson<{ pendingRevocation: Pending }>(revokeAs(second.token, serial), 202);
    expect(still.pendingRevocation.approvals).toMatchObject({ have: 1, need: 2, by: [{ email: "second@ops.test" }] });

    const [row] = (await pending(first.token)).filter((p) => p.serial === serial);
    expect((await call(H(withdraw), { token: (await orgCa("outsider", first.token)).admin, method: "DELETE", params: { id: row.id } })).status).toBe(403);
    expect(await expectJson(call(H(withdraw), { token: third.token, method: "DELETE", params: { id: row.id } }), 200)).toEqual({ withdrawn: true, serial });
    expect((await call(H(withdraw), { token: third.token, method: "DELETE", params: { id: row.id } })).status).toBe(409);
    expect((await call(H(withdraw), { token: third.token, method: "DELETE", params: { id: "nope" } })).status).toBe(404);
    const client = await db();
    expect(await client.revocation.count({ where: { serialHex: serial } })).toBe(0);
    expect(await client.auditEvent.count({ where: { action: "certificate.revocation_withdrawn", details: { path: ["serial"], equals: serial } } })).toBe(1);
    // Afresh: another reason is now accepted, and the earlier approvals do not count.
    const fresh = await expectJson<{ pendingRevocation: Pending }>(revokeAs(second.token, serial, { reason: "superseded" }), 202);
    expect(fresh.pendingRevocation.approvals.have).toBe(1);
    expect(fresh.pendingRevocation.reason).toBe("superseded");
  });

  it("lowering the policy lets the approvals already given revoke", async () => {
    await setNeed(first.token, 3);
    const { serial } = await orgCa("lowered", first.token);
    await expectJson(revokeAs(first.token, serial), 202);
    await expectJson(revokeAs(second.token, serial), 202);
    await setNeed(first.token, 2);
    // The proposer asking again: the two approvals given are now enough.
    expect((await expectJson<{ status: string }>(revokeAs(first.token, serial), 200)).status).toBe("revoked");
    const client = await db();
    expect(await client.revocation.count({ where: { serialHex: serial } })).toBe(1);
    expect((await client.pendingRevocation.findFirstOrThrow({ where: { certificate: { serialHex: serial } } })).status).toBe("revoked");
  });
});
