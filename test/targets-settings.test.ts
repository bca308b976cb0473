// Store targets in Settings: enabling creates the first key (active), the next key is published before it
// signs, activation and retirement are audited, and the last active key cannot be retired.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { GET as listTargets } from "@/app/api/v1/settings/targets/route";
import { PUT as putTarget } from "@/app/api/v1/settings/targets/[target]/route";
import { POST as addKey } from "@/app/api/v1/settings/targets/[target]/keys/route";
import { POST as activate } from "@/app/api/v1/settings/targets/[target]/keys/[keyId]/activate/route";
import { POST as retire } from "@/app/api/v1/settings/targets/[target]/keys/[keyId]/retire/route";
import { verifyAuditChain } from "@/lib/server/audit/verify-audit-chain";
import { call } from "./helpers";
import { H, json, setUpStore, type Store } from "./artifact-fixtures";

type Key = { keyId: string; fingerprint: string; algorithm: string; status: string; createdAt: string; url: string };
type Target = { target: string; enabled: boolean; keys: Key[] };

describe("targets: settings, store keys and rotation", () => {
  let store: Store;
  beforeAll(async () => {
    store = await setUpStore();
  });

  it("lists every target; jami is always on; enabling mattermost creates one active RSA-4096 key in whole seconds", async () => {
    const before = await json<Target[]>(await call(H(listTargets), { token: store.operator }), 200);
    expect(before.map((t) => [t.target, t.enabled])).toEqual([["jami", true], ["mattermost", false], ["grafana", false], ["dify", false], ["mender", false]]);
    const enabled = await json<Target>(await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "mattermost" }, json: { enabled: true } }), 200);
    expect(enabled.enabled).toBe(true);
    expect(enabled.keys).toHaveLength(1);
    expect(enabled.keys[0]).toMatchObject({ algorithm: "rsa-4096", status: "active", url: `/trust/mattermost/keys/${enabled.keys[0].keyId}` });
    expect(enabled.keys[0].keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(enabled.keys[0].fingerprint.endsWith(enabled.keys[0].keyId)).toBe(true);
    expect(new Date(enabled.keys[0].createdAt).getMilliseconds()).toBe(0);
    // Enabling again does not make a second key.
    const again = await json<Target>(await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "mattermost" }, json: { enabled: true } }), 200);
    expect(again.keys).toHaveLength(1);
    const managed = await (await db()).managedKey.findMany({ where: { purpose: "store" }, select: { backend: true, encryptedPrivateKey: true } });
    expect(managed).toHaveLength(1);
    expect(managed[0].backend).toBe("software");
    expect(managed[0].encryptedPrivateKey!.length).toBeGreaterThan(100);
  });

  it("refuses what the verifier would not accept, jami keys, unknown targets and targets not yet implemented", async () => {
    const bad = await call(H(addKey), { token: store.operator, params: { target: "mattermost" }, json: { algorithm: "rsa-2048" } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).detail).toMatch(/rsa-4096, rsa-3072, ecdsa-p256, ecdsa-p384/);
    expect((await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "jami" }, json: { enabled: false } })).status).toBe(409);
    expect((await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "npm" }, json: { enabled: true } })).status).toBe(404);
    expect((await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "mattermost" }, json: { enabled: true, grafana: {} } })).status).toBe(400);
    expect((await call(H(addKey), { token: store.operator, params: { target: "grafana" }, json: {} })).status).toBe(409);
  });

  it("rotation: next (published, not signing) → active beside the old → old retired; the last active key stays", async () => {
    const [first] = (await json<Target>(await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "mattermost" }, json: { enabled: true } }), 200)).keys;
    expect((await call(H(retire), { token: store.operator, params: { target: "mattermost", keyId: first.keyId } })).status).toBe(409);
    const next = await json<Key>(await call(H(addKey), { token: store.operator, params: { target: "mattermost" }, json: { algorithm: "ecdsa-p256" } }), 201);
    expect(next).toMatchObject({ status: "next", algorithm: "ecdsa-p256" });
    expect((await call(H(addKey), { token: store.operator, params: { target: "mattermost" }, json: {} })).status).toBe(409);
    expect((await call(H(activate), { token: store.operator, params: { target: "mattermost", keyId: first.keyId } })).status).toBe(409);
    expect(await json<Key>(await call(H(activate), { token: store.operator, params: { target: "mattermost", keyId: next.keyId } }), 200)).toMatchObject({ status: "active" });
    expect(await json<Key>(await call(H(retire), { token: store.operator, params: { target: "mattermost", keyId: first.keyId } }), 200)).toMatchObject({ status: "retired" });
    expect((await call(H(retire), { token: store.operator, params: { target: "mattermost", keyId: next.keyId } })).status).toBe(409);
    const events = await (await db()).auditEvent.findMany({ where: { action: { startsWith: "target." } }, orderBy: { seq: "asc" }, select: { action: true, subjectId: true } });
    expect(events.map((e) => e.action)).toEqual(["target.updated", "target.updated", "target.updated", "target.key_created", "target.key_activated", "target.key_retired"]);
    expect((await verifyAuditChain(await db())).valid).toBe(true);
  });
});
