// Pre-signed OCSP answers held in memory, keyed by the exact CertID form asked for (the responder
// must echo the requester's hash algorithm). Entries are dropped on revocation here, and a short
// poll drops them on every other instance too.
import { db } from "../../db";

export type CachedOcsp = { der: Buffer; thisUpdate: Date; nextUpdate: Date; etag: string };

const entries = new Map<string, CachedOcsp>();
let lastRevocationSeen = new Date(0);

export const cacheKey = (caId: string, serialHex: string, hash: string) => `${caId}:${serialHex}:${hash}`;

export function getCachedOcsp(key: string, now: number): CachedOcsp | undefined {
  const hit = entries.get(key);
  if (!hit) return undefined;
  if (hit.nextUpdate.getTime() - now < OCSP_REFRESH_BEFORE_MS) {
    entries.delete(key);
    return undefined;
  }
  return hit;
}

export function putCachedOcsp(key: string, value: CachedOcsp): void {
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  entries.set(key, value);
}

export async function forgetOcspResponse(caId: string, serialHex: string): Promise<void> {
  for (const hash of ["sha1", "sha256"]) entries.delete(cacheKey(caId, serialHex, hash));
}

/** Drops answers for certificates revoked since the last look (by any instance). */
export async function syncRevocationsIntoOcspCache(): Promise<number> {
  const client = await db();
  const fresh = await client.revocation.findMany({ where: { createdAt: { gt: lastRevocationSeen } }, select: { issuerCaId: true, serialHex: true, createdAt: true } });
  for (const r of fresh) {
    await forgetOcspResponse(r.issuerCaId, r.serialHex);
    if (r.createdAt > lastRevocationSeen) lastRevocationSeen = r.createdAt;
  }
  return fresh.length;
}

/** Answers are valid a day and re-signed once less than 12 hours remain (RFC 5019 §6 pre-production). */
export const OCSP_VALIDITY_MS = 24 * 3600_000;
export const OCSP_REFRESH_BEFORE_MS = 12 * 3600_000;
const MAX_ENTRIES = 200_000;
