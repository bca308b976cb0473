// Pre-signed OCSP answers held in memory, keyed by the exact CertID form asked for (the responder
// must echo the requester's hash algorithm). Entries are dropped on revocation here, on every other
// worker and instance at the revocation's NOTIFY (lib/server/db/notify.ts), and by a poll as the
// backstop. A hit touches no database.
import cluster from "node:cluster";
import { db } from "../../db";
import { announceIn } from "../db/notify";
import type { CertStatus } from "../../pki/ocsp/basic-ocsp-response";
import type { CertIdHash } from "../../pki/ocsp/cert-id";

export type CachedOcsp = { der: Buffer; etag: string; thisUpdate: Date; nextUpdate: Date; refreshAt: number; status: CertStatus };

/** The hash algorithm and whether its AlgorithmIdentifier carried NULL parameters: both are echoed. */
export const CERT_ID_FORMS = ["sha1", "sha1-noparams", "sha256", "sha256-noparams"] as const;
export type CertIdForm = (typeof CERT_ID_FORMS)[number];
export const certIdFormOf = (hash: CertIdHash, nullParams: boolean): CertIdForm => (nullParams ? hash : `${hash}-noparams`);

/** Answers are valid a day and re-signed once less than 12 hours remain (RFC 5019 §6 pre-production). */
export const OCSP_VALIDITY_MS = 24 * 3600_000;
export const OCSP_REFRESH_BEFORE_MS = 12 * 3600_000;
/** "unknown" may turn into "good" once a reserved serial is issued: keep it briefly. */
export const OCSP_UNKNOWN_VALIDITY_MS = 3600_000;
export const OCSP_UNKNOWN_REFRESH_AFTER_MS = 5 * 60_000;
// ~1 KB per entry (response plus responder certificate).
const MAX_ENTRIES = 50_000;
// Revocations are re-read with this overlap, so an answer signed while a revocation committed
// elsewhere (and cached after the previous poll) is still dropped, and clock skew between
// instances does not hide a revocation.
const SYNC_OVERLAP_MS = 2 * 60_000;

/**
 * One cache per process, not per module instance: Next.js bundles instrumentation (the revocation
 * poll, the node:http OCSP handler) apart from the route handlers (revocations), so module-level
 * maps would exist twice and a revocation would clear only one of them.
 */
type CacheState = { entries: Map<string, CachedOcsp>; byRequest: Map<string, { answer: WholeAnswer; until: number }>; lastPoll?: number; listening?: boolean };
const state: CacheState = ((globalThis as { __signetOcspCache?: CacheState }).__signetOcspCache ??= { entries: new Map(), byRequest: new Map() });
const { entries, byRequest } = state;

export const cacheKey = (caId: string, serialKey: string, form: CertIdForm) => `${caId}:${serialKey}:${form}`;

export function getCachedOcsp(key: string, now: number): CachedOcsp | undefined {
  const hit = entries.get(key);
  if (!hit) return undefined;
  if (now >= hit.refreshAt) {
    // Due for re-signing, but kept until then: while the database is away it is still the answer.
    if (now >= hit.nextUpdate.getTime()) entries.delete(key);
    return undefined;
  }
  return hit;
}

/** An answer due for re-signing but still valid (before nextUpdate): what to serve when re-signing cannot happen. */
export function getKeptOcsp(key: string, now: number): CachedOcsp | undefined {
  const hit = entries.get(key);
  return hit && now < hit.nextUpdate.getTime() ? hit : undefined;
}

export function putCachedOcsp(key: string, value: CachedOcsp): void {
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  entries.set(key, value);
}

/** Drops this process's answers for one certificate (a revocation announced by another instance). */
export function forgetInMemory(caId: string, serialHex: string): void {
  for (const form of CERT_ID_FORMS) entries.delete(cacheKey(caId, serialHex, form));
  // Revocations are rare: dropping every whole answer is simpler than indexing them by serial.
  byRequest.clear();
}

/** Drops this process's answers for every certificate of one CA (a CRL upload revoking many). */
export function forgetCaInMemory(caId: string): void {
  for (const key of entries.keys()) if (key.startsWith(`${caId}:`)) entries.delete(key);
  byRequest.clear();
}

/**
 * Whole HTTP answers by the exact request bytes, for a second at most: a relying party asking
 * again (or a CDN revalidating) skips parsing and lookups. Only nonce-free, single-certificate
 * answers are kept, and a revocation drops them all. The second bounds how stale `max-age` gets.
 */
export type WholeAnswer = { der: Buffer; headers: Record<string, string> };
const WHOLE_ANSWER_MS = 1_000;
const MAX_WHOLE_ANSWERS = 10_000;

export const requestKey = (requestDer: Uint8Array) => Buffer.from(requestDer.buffer, requestDer.byteOffset, requestDer.byteLength).toString("latin1");

export function getWholeAnswer(key: string, now: number): WholeAnswer | undefined {
  const hit = byRequest.get(key);
  if (!hit) return undefined;
  if (now < hit.until) return hit.answer;
  byRequest.delete(key);
  return undefined;
}

export function putWholeAnswer(key: string, answer: WholeAnswer, now: number): void {
  if (byRequest.size >= MAX_WHOLE_ANSWERS) byRequest.clear();
  byRequest.set(key, { answer, until: now + WHOLE_ANSWER_MS });
}

/**
 * Workers under one supervisor (lib/server/startup/supervise-workers.ts) hear of each other's
 * revocations at once: the supervisor relays this message to every other worker. Other instances,
 * and a worker that missed it, still catch up within the poll (syncRevocationsIntoOcspCache).
 */
type RevocationMessage = { signet: "ocsp-forget"; caId: string; serialHex: string };
const isRevocationMessage = (m: unknown): m is RevocationMessage =>
  typeof m === "object" && m !== null && (m as RevocationMessage).signet === "ocsp-forget" && typeof (m as RevocationMessage).caId === "string" && typeof (m as RevocationMessage).serialHex === "string";

export function listenForOtherWorkersRevocations(): void {
  if (!cluster.isWorker || state.listening) return;
  state.listening = true;
  process.on("message", (m: unknown) => {
    if (isRevocationMessage(m)) forgetInMemory(m.caId, m.serialHex);
  });
}

/** Drops every pre-signed answer for a certificate, here and in the shared table. */
export async function forgetOcspResponse(caId: string, serialHex: string): Promise<void> {
  forgetInMemory(caId, serialHex);
  if (cluster.isWorker) process.send?.({ signet: "ocsp-forget", caId, serialHex } satisfies RevocationMessage);
  const client = await db();
  await client.ocspResponse.deleteMany({ where: { caId, serialHex } });
  // Every worker of every instance (their own poll is the backstop should this be lost).
  await announceIn(client, { kind: "revocation", caId, serialHex });
  // An answer signed concurrently, before the revocation committed, may land after the delete.
  forgetInMemory(caId, serialHex);
}

/** The same for many certificates of one CA at once (an uploaded CRL revoking thousands). */
export async function forgetOcspResponses(caId: string, serials: string[]): Promise<void> {
  for (const serialHex of serials) forgetInMemory(caId, serialHex);
  const client = await db();
  for (let i = 0; i < serials.length; i += 1000) await client.ocspResponse.deleteMany({ where: { caId, serialHex: { in: serials.slice(i, i + 1000) } } });
  await announceIn(client, { kind: "ca-revocations", caId });
  for (const serialHex of serials) forgetInMemory(caId, serialHex);
}

/** Drops answers for certificates revoked since the last look (by any instance). */
export async function syncRevocationsIntoOcspCache(now = new Date()): Promise<number> {
  // The cache starts empty, so a fresh instance need not read the revocation history.
  const since = new Date((state.lastPoll ?? now.getTime()) - SYNC_OVERLAP_MS);
  const client = await db();
  const fresh = await client.revocation.findMany({ where: { createdAt: { gt: since } }, select: { issuerCaId: true, serialHex: true } });
  for (const r of fresh) forgetInMemory(r.issuerCaId, r.serialHex);
  state.lastPoll = now.getTime();
  return fresh.length;
}
