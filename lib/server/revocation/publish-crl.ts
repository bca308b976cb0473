// Issues a CA's next CRL. The CRL number is taken from the CA row under a row lock, so it
// strictly increases across concurrent revocations and any number of server instances. The
// revocations it lists are stamped with that number first, which fixes the set: CRL n lists every
// revocation committed before it, and each CRL lists everything the one before it did.
import crypto from "node:crypto";
import type { Tx } from "../../db";
import { db } from "../../db";
import { CrlWriter, encodeCrlEntry } from "../../pki/crl/encode-crl";
import { appendAuditEvent } from "../audit/append-audit-event";
import { systemPrincipal } from "../auth/principal";
import { toBytes } from "../db/bytes";
import { loadCaForSigning } from "./ca-signing";
import { assembleCrlEntries, assembledEntryChunks, storeCrl } from "./crl-store";

/** nextUpdate is one week out (PRODUCT.md: ≤ 7 days); re-issued daily, well before that. */
export const CRL_VALIDITY_MS = 7 * 86_400_000;
export const CRL_REFRESH_AFTER_MS = 86_400_000;
const KEEP_CRLS = 20;

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
  const listed = await tx.$executeRawUnsafe(`UPDATE revocation SET "crlNumber" = $2 WHERE "issuerCaId" = $1 AND "crlNumber" IS NULL`, caId, crlNumber);
  const assembled = await assembleCrlEntries(tx, caId);
  const entries = assembled.count;
  // A caller that waited for the CA row lock may hold an older `now` than the CRL just issued
  // before it: never let a higher CRL number carry an earlier thisUpdate.
  const previous = await tx.crl.findFirst({ where: { caId }, orderBy: { crlNumber: "desc" }, select: { thisUpdate: true } });
  const thisUpdate = new Date(Math.max(Math.floor(now.getTime() / 1000) * 1000, previous?.thisUpdate.getTime() ?? 0));
  const nextUpdate = new Date(thisUpdate.getTime() + CRL_VALIDITY_MS);
  const writer = new CrlWriter({
    issuerNameDer: ca.subjectDer,
    issuerKeyIdentifier: ca.keyIdentifier,
    crlNumber,
    thisUpdate,
    nextUpdate,
    signer: ca.signer,
    sizeHint: assembled.bytes,
  });
  for await (const chunk of assembledEntryChunks(tx, assembled.bytes)) writer.appendBase64(chunk);
  const { der, head, tail } = await writer.finishWithLayout();
  await storeCrl(tx, { caId, crlNumber, thisUpdate, nextUpdate, entries, head, tail, sha256: crypto.createHash("sha256").update(der).digest("hex") });
  // Only the newest CRLs matter to relying parties; keep a short history for audit.
  await tx.crl.deleteMany({ where: { caId, crlNumber: { lt: crlNumber - BigInt(KEEP_CRLS) } } });
  await appendAuditEvent(tx, {
    actor: systemPrincipal("crl"),
    action: "crl.issued",
    subjectType: "ca",
    subjectId: caId,
    details: { crlNumber: crlNumber.toString(), entries, newlyListed: listed, nextUpdate: nextUpdate.toISOString() },
  });
  return { crlNumber, thisUpdate, nextUpdate, der };
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
