// A revocation commits before its CRL is issued (lib/server/revocation/after-revocation.ts). A crash,
// a failed publish or a lost connection in between would leave it off every CRL until the daily
// refresh, while OCSP already says "revoked". Every instance therefore looks, at start and every
// SIGNET_CRL_CATCH_UP_MS, for revocations no CRL lists yet (crlNumber IS NULL) and publishes.
import { db } from "../../db";
import { publishCrlInTx } from "./publish-crl";

/** Issues a CRL for each CA with unlisted revocations; returns the CAs it published for. */
export async function publishPendingCrls(now = new Date()): Promise<string[]> {
  const client = await db();
  const pending = await client.$queryRawUnsafe<{ caId: string }[]>(
    `SELECT DISTINCT r."issuerCaId" AS "caId" FROM revocation r JOIN certificate_authority ca ON ca.id = r."issuerCaId"
      WHERE r."crlNumber" IS NULL AND ca."keyId" IS NOT NULL`,
  );
  const published: string[] = [];
  for (const { caId } of pending) {
    const done = await client.$transaction(
      async (tx) => {
        // Under the CA row lock, so that of several instances (or the revocation's own publish)
        // only the first issues a CRL; the others find nothing left to list.
        await tx.$queryRawUnsafe(`SELECT id FROM certificate_authority WHERE id = $1 FOR UPDATE`, caId);
        const [{ n }] = await tx.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM revocation WHERE "issuerCaId" = $1 AND "crlNumber" IS NULL`, caId);
        if (n === 0) return false;
        await publishCrlInTx(tx, caId, now);
        return true;
      },
      { timeout: 120_000, maxWait: 60_000 },
    );
    if (done) published.push(caId);
  }
  return published;
}
