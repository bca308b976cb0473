// Issues a CA's next CRL. The CRL number is taken from the CA row under a row lock, so it
// strictly increases across concurrent revocations and any number of server instances.
import type { Tx } from "../../db";
import { db } from "../../db";
import { encodeCrl } from "../../pki/crl/encode-crl";
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
  const revocations = await tx.revocation.findMany({
    where: { issuerCaId: caId },
    select: { serialHex: true, revokedAt: true, reason: true, invalidityDate: true },
    orderBy: { revokedAt: "asc" },
  });
  const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const nextUpdate = new Date(thisUpdate.getTime() + CRL_VALIDITY_MS);
  const der = await encodeCrl({
    issuerNameDer: ca.subjectDer,
    issuerKeyIdentifier: ca.keyIdentifier,
    crlNumber,
    thisUpdate,
    nextUpdate,
    entries: revocations.map((r) => ({ serial: r.serialHex, revocationDate: r.revokedAt, reason: r.reason, invalidityDate: r.invalidityDate ?? undefined })),
    signer: ca.signer,
  });
  await tx.crl.create({ data: { caId, crlNumber, thisUpdate, nextUpdate, entries: revocations.length, der: toBytes(der) } });
  // Only the newest CRLs matter to relying parties; keep a short history for audit.
  await tx.crl.deleteMany({ where: { caId, crlNumber: { lt: crlNumber - 20n } } });
  await appendAuditEvent(tx, {
    actor: systemPrincipal("crl"),
    action: "crl.issued",
    subjectType: "ca",
    subjectId: caId,
    details: { crlNumber: crlNumber.toString(), entries: revocations.length, nextUpdate: nextUpdate.toISOString() },
  });
  return { crlNumber, thisUpdate, nextUpdate, der };
}
