// Operators enable store targets and rotate their keys in Settings. Each action is one transaction
// holding the target's row lock, with its audit event. Rotation (FORMATS.md §4): a new key is "next" —
// published on /trust and the Grafana keys endpoint, not yet signing; activating it makes two keys
// active, and formats that carry several signatures (Mattermost) are signed with both; retiring the old
// one ends the overlap. At least one key stays active while the target is enabled.
import { z } from "zod";
import { db, type Tx } from "../../db";
import { KEY_ALGORITHMS } from "../../pki/signer";
import { openpgpPublicKey } from "../../pki/openpgp/sign";
import { grafanaKeysDocument } from "../../pki/grafana/keys-endpoint";
import { OpenPgpError } from "../../pki/openpgp/packets";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { Principal } from "../auth/principal";
import { requireOperatorFor } from "../auth/require-operator";
import { AppError } from "../errors";
import { signerForKey } from "../keys/signer-for-key";
import { createStoreKey, storeKeySelect, storeKeyUserId, wholeSeconds } from "./create-store-key";
import { OPENPGP_TARGETS, STORE_TARGETS, SIGNING_TARGETS, difySettingsSchema, grafanaSettingsSchema, keyedTargetSchema, readDifySettings, readGrafanaSettings, targetSchema, type KeyedTarget, type StoreTargetName } from "./store-targets";

export const updateTargetBody = z.object({ enabled: z.boolean(), grafana: grafanaSettingsSchema.optional(), dify: difySettingsSchema.optional() }).strict();
export const createKeyBody = z.object({ algorithm: z.enum(KEY_ALGORITHMS).optional() }).strict();

type KeyRow = { id: string; keyId: string; algorithm: string; status: string; createdAt: Date; fingerprint: string; activatedAt: Date | null; retiredAt: Date | null };

export function keyUrl(target: string, keyId: string): string {
  return `/trust/${target}/keys/${keyId}`;
}

export function serializeStoreKey(target: string, k: KeyRow) {
  return {
    keyId: k.keyId,
    fingerprint: k.fingerprint,
    algorithm: k.algorithm,
    status: k.status,
    createdAt: k.createdAt.toISOString(),
    activatedAt: k.activatedAt?.toISOString() ?? null,
    retiredAt: k.retiredAt?.toISOString() ?? null,
    url: keyUrl(target, k.keyId),
  };
}

async function readTarget(client: Tx | Awaited<ReturnType<typeof db>>, target: StoreTargetName) {
  if (target === "jami") return { target, enabled: true, supported: true, keys: [] };
  const row = await client.storeTarget.findUnique({ where: { target }, select: { enabled: true, settings: true, keys: { select: storeKeySelect, orderBy: { createdAt: "asc" } } } });
  return {
    target,
    enabled: row?.enabled ?? false,
    supported: SIGNING_TARGETS.includes(target),
    keys: (row?.keys ?? []).map((k) => serializeStoreKey(target, k)),
    ...(target === "grafana" ? { grafana: readGrafanaSettings(row?.settings) } : {}),
    ...(target === "dify" ? { dify: readDifySettings(row?.settings) } : {}),
  };
}

export async function listTargets(actor: Principal) {
  requireOperatorFor(actor, "manage store targets");
  const client = await db();
  return Promise.all(STORE_TARGETS.map((t) => readTarget(client, t)));
}

/** Serializes every change to one target's keys (two operators activating at once, enabling twice). */
async function lockTarget(tx: Tx, target: KeyedTarget) {
  await tx.storeTarget.upsert({ where: { target }, create: { target }, update: {}, select: { target: true } });
  await tx.$queryRaw`SELECT "target" FROM "store_target" WHERE "target" = ${target} FOR UPDATE`;
  return tx.storeTarget.findUniqueOrThrow({ where: { target }, select: { enabled: true, settings: true } });
}

function parseKeyedTarget(raw: string): KeyedTarget {
  const target = targetSchema.safeParse(raw);
  if (!target.success) throw new AppError("not_found", `There is no store target '${raw}' (one of ${STORE_TARGETS.join(", ")})`);
  if (target.data === "jami") throw new AppError("conflict", "Jami is always enabled and signs with each plugin's certificate: it has no store key");
  return keyedTargetSchema.parse(target.data);
}

const TX = { timeout: 120_000, maxWait: 60_000 };

export async function updateTarget(actor: Principal, rawTarget: string, body: z.infer<typeof updateTargetBody>, now = new Date()) {
  requireOperatorFor(actor, "manage store targets");
  const target = parseKeyedTarget(rawTarget);
  if (body.grafana && target !== "grafana") throw new AppError("bad_request", "Only the grafana target takes 'grafana' settings");
  if (body.dify && target !== "dify") throw new AppError("bad_request", "Only the dify target takes 'dify' settings");
  if (body.enabled && !SIGNING_TARGETS.includes(target)) throw new AppError("conflict", `Signing for ${target} is not available on this server yet`);
  const client = await db();
  return client.$transaction(async (tx) => {
    const before = await lockTarget(tx, target);
    const settings = body.grafana ?? body.dify ?? (before.settings as object);
    if (body.grafana) await checkGrafanaKeys(tx, body.grafana.grafanaKeys);
    await tx.storeTarget.update({ where: { target }, data: { enabled: body.enabled, settings: settings as object } });
    let created: string | undefined;
    if (body.enabled && (await tx.storeKey.count({ where: { target, status: "active" } })) === 0) {
      created = (await createStoreKey(tx, target, undefined, "active", now)).keyId;
    }
    await appendAuditEvent(tx, {
      actor,
      action: "target.updated",
      subjectType: "store_target",
      subjectId: target,
      at: now,
      details: { enabled: { from: before.enabled, to: body.enabled }, ...(body.grafana ? { grafana: { upstreamUrl: body.grafana.upstreamUrl ?? null, grafanaKeys: body.grafana.grafanaKeys.map((k) => k.keyId), signatureType: body.grafana.signatureType } } : {}), ...(created ? { createdKey: created } : {}) },
    });
    return readTarget(tx, target);
  }, TX);
}

/** The keys endpoint must stay servable: armored keys, no key ID twice (nor one of the store's own). */
async function checkGrafanaKeys(tx: Tx, keys: { keyId: string; public: string; since?: number }[]) {
  const own = await tx.storeKey.findMany({ where: { target: "grafana" }, select: { keyId: true } });
  const clash = keys.find((k) => own.some((o) => o.keyId === k.keyId));
  if (clash) throw new AppError("bad_request", `grafanaKeys: ${clash.keyId} is one of the store's own keys`);
  try {
    grafanaKeysDocument(keys.map((k) => ({ keyId: k.keyId, public: k.public, since: new Date((k.since ?? 0) * 1000) })));
  } catch (err) {
    if (err instanceof OpenPgpError) throw new AppError("bad_request", `grafanaKeys: ${err.message}`);
    throw err;
  }
}

export async function addStoreKey(actor: Principal, rawTarget: string, body: z.infer<typeof createKeyBody>, now = new Date()) {
  requireOperatorFor(actor, "manage store keys");
  const target = parseKeyedTarget(rawTarget);
  const client = await db();
  return client.$transaction(async (tx) => {
    const state = await lockTarget(tx, target);
    if (!state.enabled) throw new AppError("conflict", `The ${target} target is not enabled`);
    if ((await tx.storeKey.count({ where: { target, status: "next" } })) > 0) throw new AppError("conflict", `The ${target} target already has a next key: activate or retire it first`);
    const key = await createStoreKey(tx, target, body.algorithm, "next", now);
    await appendAuditEvent(tx, { actor, action: "target.key_created", subjectType: "store_key", subjectId: key.keyId, at: now, details: { target, algorithm: key.algorithm, fingerprint: key.fingerprint, status: "next" } });
    return serializeStoreKey(target, key);
  }, TX);
}

async function keyOf(tx: Tx, target: KeyedTarget, keyId: string) {
  const key = await tx.storeKey.findFirst({ where: { target, keyId: keyId.toLowerCase() }, select: storeKeySelect });
  if (!key) throw new AppError("not_found", `Store key ${keyId} not found for ${target}`);
  return key;
}

export async function activateStoreKey(actor: Principal, rawTarget: string, keyId: string, now = new Date()) {
  requireOperatorFor(actor, "manage store keys");
  const target = parseKeyedTarget(rawTarget);
  const client = await db();
  return client.$transaction(async (tx) => {
    const state = await lockTarget(tx, target);
    if (!state.enabled) throw new AppError("conflict", `The ${target} target is not enabled`);
    const key = await keyOf(tx, target, keyId);
    // Only a published key signs: a "next" key has been on /trust since it was made.
    if (key.status !== "next") throw new AppError("conflict", `Key ${key.keyId} is ${key.status}; only a next key can be activated`);
    const updated = await tx.storeKey.update({ where: { id: key.id }, data: { status: "active", activatedAt: wholeSeconds(now) }, select: storeKeySelect });
    await appendAuditEvent(tx, { actor, action: "target.key_activated", subjectType: "store_key", subjectId: key.keyId, at: now, details: { target, fingerprint: key.fingerprint } });
    return serializeStoreKey(target, updated);
  }, TX);
}

export async function retireStoreKey(actor: Principal, rawTarget: string, keyId: string, now = new Date()) {
  requireOperatorFor(actor, "manage store keys");
  const target = parseKeyedTarget(rawTarget);
  const client = await db();
  return client.$transaction(async (tx) => {
    const state = await lockTarget(tx, target);
    const key = await keyOf(tx, target, keyId);
    if (key.status === "retired") throw new AppError("conflict", `Key ${key.keyId} is already retired`);
    if (key.status === "active" && state.enabled && (await tx.storeKey.count({ where: { target, status: "active" } })) < 2) {
      throw new AppError("conflict", `Key ${key.keyId} is the only active ${target} key: activate its successor first`);
    }
    const at = wholeSeconds(now);
    // Dify and Mender key files cannot say "revoked": hosts stop trusting the key by removing its file.
    if (!OPENPGP_TARGETS.includes(target)) {
      const updated = await tx.storeKey.update({ where: { id: key.id }, data: { status: "retired", retiredAt: at }, select: storeKeySelect });
      await appendAuditEvent(tx, { actor, action: "target.key_retired", subjectType: "store_key", subjectId: key.keyId, at: now, details: { target, fingerprint: key.fingerprint, from: key.status } });
      return serializeStoreKey(target, updated);
    }
    // The key file now carries the key's own revocation (RFC 4880 0x20, "superseded"): Mattermost ignores
    // expiry, so a host that re-installs the file stops trusting the key only this way.
    const revoked = await openpgpPublicKey({
      spki: (await tx.storeKey.findUniqueOrThrow({ where: { id: key.id }, select: { publicKeySpki: true } })).publicKeySpki,
      createdAt: key.createdAt,
      userId: storeKeyUserId(target),
      signer: await signerForKey(tx, key.managedKeyId),
      now: at,
      revocation: { at: at.getTime() < key.createdAt.getTime() ? key.createdAt : at, reason: "superseded" },
    });
    const updated = await tx.storeKey.update({ where: { id: key.id }, data: { status: "retired", retiredAt: at, publicKeyFile: revoked.armored }, select: storeKeySelect });
    await appendAuditEvent(tx, { actor, action: "target.key_retired", subjectType: "store_key", subjectId: key.keyId, at: now, details: { target, fingerprint: key.fingerprint, from: key.status } });
    return serializeStoreKey(target, updated);
  }, TX);
}
