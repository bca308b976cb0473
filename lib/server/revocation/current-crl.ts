// The CRL a relying party gets: the newest one, issued ahead of time. A CA that has none yet, or
// whose newest is due for refresh, gets a new one first (any instance may do it; numbers stay ordered).
// An external-key CA's is the newest its organization uploaded (lib/server/revocation/upload-crl.ts).
import { db } from "../../db";
import { isDatabaseUnavailable } from "../db/unavailable";
import { AppError } from "../errors";
import { readCrlDer } from "./crl-store";
import { CRL_REFRESH_AFTER_MS, publishCrl } from "./publish-crl";

export type CrlBytes = { caId: string; crlNumber: bigint; thisUpdate: Date; nextUpdate: Date; der: Uint8Array };

// One per process (route handlers and instrumentation are bundled apart; see ocsp-cache.ts).
const cache = ((globalThis as { __signetCrlCache?: Map<string, CrlBytes> }).__signetCrlCache ??= new Map());

/**
 * While the database is unavailable, the newest CRL this process has served or published is still
 * the truth until its nextUpdate (it is signed, and nothing can be revoked meanwhile): served from memory.
 */
export async function currentCrl(caId: string, now = new Date()): Promise<CrlBytes> {
  try {
    return await readCurrentCrl(caId, now);
  } catch (err) {
    const kept = cache.get(caId);
    if (kept && now.getTime() < kept.nextUpdate.getTime() && isDatabaseUnavailable(err)) return kept;
    throw err;
  }
}

async function readCurrentCrl(caId: string, now: Date): Promise<CrlBytes> {
  const client = await db();
  const latest = await client.crl.findFirst({ where: { caId }, orderBy: { crlNumber: "desc" }, select: { crlNumber: true, thisUpdate: true } });
  const fresh = latest && now.getTime() - latest.thisUpdate.getTime() < CRL_REFRESH_AFTER_MS;
  if (!fresh) {
    const ca = await client.certificateAuthority.findUnique({ where: { id: caId }, select: { keyId: true } });
    if (!ca) throw new AppError("not_found", "No such certificate authority");
    if (ca.keyId) {
      const published = await publishCrl(caId, now);
      const entry = { caId, ...published };
      cache.set(caId, entry);
      return entry;
    }
    // An external-key CA's CRL is the one its organization signed and uploaded, served as is,
    // however old: Signet cannot sign a newer one. Checked before any write, so anonymous
    // requests for it never open a transaction.
    if (!latest) throw new AppError("not_found", "This CA's key is held by its organization, which has not uploaded a CRL yet");
  }
  const cached = cache.get(caId);
  if (cached && cached.crlNumber === latest.crlNumber) return cached;
  const row = await client.crl.findUniqueOrThrow({ where: { caId_crlNumber: { caId, crlNumber: latest.crlNumber } }, omit: { der: true } });
  const entry = { caId, crlNumber: row.crlNumber, thisUpdate: row.thisUpdate, nextUpdate: row.nextUpdate, der: await readCrlDer(client, caId, row.crlNumber) };
  cache.set(caId, entry);
  return entry;
}
