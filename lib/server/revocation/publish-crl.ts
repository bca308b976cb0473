// Issues a CA's next CRL. The CRL number is taken from the CA row under a row lock, so it
// strictly increases across concurrent revocations and any number of server instances.
import type { Tx } from "../../db";
import { db } from "../../db";
import { CrlWriter, encodeCrlEntry } from "../../pki/crl/encode-crl";
import { appendAuditEvent } from "../audit/append-audit-event";
import { systemPrincipal } from "../auth/principal";
import { toBytes } from "../db/bytes";
import { loadCaForSigning } from "./ca-signing";

/** nextUpdate is one week out (PRODUCT.md: ≤ 7 days); re-issued daily, well before that. */
export const CRL_VALIDITY_MS = 7 * 86_400_000;
export const CRL_REFRESH_AFTER_MS = 86_400_000;

export async function publishCrl(caId: string, now = new Date()) {
  const client = await db();
  return client.$transaction(async (tx) => publishCrlInTx(tx, caId, now), { timeout: 120_000, maxWait: 60_000 });
}

export async function publishCrlInTx(tx: Tx, caId: string, now: Date) {
  const rows = await tx.$queryRawUnsafe<{ lastCrlNumber: bigint }[]>(
    `UPDATE certificate_authority SET "lastCrlNumber" = "lastCrlNumber" + 1 WHERE id = $1 RETURNING "lastCrlNumber"`,
    caId,
  );
  if (rows.length === 0) throw new Error(`no CA ${caId}`);
  const crlNumber = BigInt(rows[0].lastCrlNumber);
  const ca = await loadCaForSigning(tx, caId);
  await backfillCrlEntries(tx, caId);
  // A caller that waited for the CA row lock may hold an older `now` than the CRL just issued
  // before it: never let a higher CRL number carry an earlier thisUpdate.
  const previous = await tx.crl.findFirst({ where: { caId }, orderBy: { crlNumber: "desc" }, select: { thisUpdate: true } });
  const thisUpdate = new Date(Math.max(Math.floor(now.getTime() / 1000) * 1000, previous?.thisUpdate.getTime() ?? 0));
  const nextUpdate = new Date(thisUpdate.getTime() + CRL_VALIDITY_MS);
  const total = await tx.revocation.count({ where: { issuerCaId: caId } });
  const writer = new CrlWriter({
    issuerNameDer: ca.subjectDer,
    issuerKeyIdentifier: ca.keyIdentifier,
    crlNumber,
    thisUpdate,
    nextUpdate,
    signer: ca.signer,
    sizeHint: total * 48,
  });
  for await (const page of crlEntryPages(tx, caId)) writer.append(page.entries, page.count);
  const der = await writer.finish();
  await tx.crl.create({ data: { caId, crlNumber, thisUpdate, nextUpdate, entries: writer.count, der: toBytes(der) } });
  // Only the newest CRLs matter to relying parties; keep a short history for audit.
  await tx.crl.deleteMany({ where: { caId, crlNumber: { lt: crlNumber - 20n } } });
  await appendAuditEvent(tx, {
    actor: systemPrincipal("crl"),
    action: "crl.issued",
    subjectType: "ca",
    subjectId: caId,
    details: { crlNumber: crlNumber.toString(), entries: writer.count, nextUpdate: nextUpdate.toISOString() },
  });
  return { crlNumber, thisUpdate, nextUpdate, der };
}

const PAGE = 50_000;

/**
 * The CA's entries in pages of concatenated DER, assembled by PostgreSQL (string_agg over the
 * stored entries), walked by id so each page is one index range scan. Entry order within a CRL
 * carries no meaning (RFC 5280 §5.1.2.6), so none is imposed beyond the walk's.
 */
async function* crlEntryPages(tx: Tx, caId: string): AsyncGenerator<{ entries: Uint8Array; count: number }> {
  let after = "";
  for (;;) {
    const [page] = await tx.$queryRawUnsafe<{ entries: string | null; count: number; last: string | null }[]>(
      // Hex text, decoded here: bytea values through the query engine cost far more per byte.
      `SELECT encode(string_agg("crlEntry", ''::bytea), 'hex') AS entries, count(*)::int AS count, max(id) AS last
         FROM (SELECT id, "crlEntry" FROM revocation WHERE "issuerCaId" = $1 AND id > $2 ORDER BY id LIMIT ${PAGE}) AS page`,
      caId,
      after,
    );
    if (!page?.last || !page.entries) return;
    yield { entries: Buffer.from(page.entries, "hex"), count: page.count };
    if (page.count < PAGE) return;
    after = page.last;
  }
}

/** Revocations recorded before entries were stored with them get theirs now (once). */
async function backfillCrlEntries(tx: Tx, caId: string): Promise<void> {
  const missing = await tx.revocation.findMany({
    where: { issuerCaId: caId, crlEntry: null },
    select: { id: true, serialHex: true, revokedAt: true, reason: true, invalidityDate: true },
  });
  for (const r of missing) {
    const crlEntry = encodeCrlEntry({ serial: r.serialHex, revocationDate: r.revokedAt, reason: r.reason, invalidityDate: r.invalidityDate ?? undefined });
    await tx.revocation.update({ where: { id: r.id }, data: { crlEntry: toBytes(crlEntry) } });
  }
}
