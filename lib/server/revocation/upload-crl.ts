// An external-key organization uploads the CRL it signed with its own CA key. Signet checks it
// strictly, serves its exact bytes at /crl/{caId}.crl, and takes its entries into its records so
// OCSP answers "revoked" for them. A serial once revoked never comes back: a CRL that drops one is
// refused (RFC 5280 §3.3: revocation is permanent; certificateHold is not undone here either).
import { db } from "../../db";
import type { RevocationReason } from "../../generated/prisma/client";
import { parseCertificate } from "../../pki/chain/parse-certificate";
import { signatureProblem } from "../../pki/chain/validate-chain";
import { certificateInfo } from "../../pki/certificate/info";
import { CrlParseError, parseCrl, type ParsedCrlEntry } from "../../pki/crl/parse-crl";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { Principal } from "../auth/principal";
import { loadExternalCa } from "../cas/load-external-ca";
import { toBytes } from "../db/bytes";
import { AppError } from "../errors";
import { readCrlDer } from "./crl-store";
import { forgetOcspResponses } from "./ocsp-cache";
import { kickWebhookDeliveries } from "../webhooks/deliver-webhooks";
import { certificateEventData, enqueueWebhookEvent } from "../webhooks/enqueue-webhook-event";

/** ~45 bytes an entry: room for several hundred thousand revocations. */
export const MAX_UPLOADED_CRL_BYTES = 16 * 1024 * 1024;
const CLOCK_SKEW_MS = 5 * 60_000;
/** The crl table keeps CRL numbers as PostgreSQL bigint. */
const MAX_CRL_NUMBER = (1n << 63n) - 1n;
const KEEP_CRLS = 20;
const STORED_REASONS = new Set<string>(["unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded", "cessationOfOperation", "certificateHold", "privilegeWithdrawn"]);

const refuse = (message: string): never => {
  throw new AppError("bad_request", `CRL refused: ${message}`);
};

export async function uploadCrl(principal: Principal, caId: string, der: Uint8Array, now = new Date()) {
  const client = await db();
  const { actor, ca } = await loadExternalCa(client, principal, caId, "write");
  if (der.length === 0) refuse("the body is empty; send the DER CRL (application/pkix-crl)");
  let crl;
  try {
    crl = parseCrl(der);
  } catch (err) {
    if (err instanceof CrlParseError) refuse(err.message);
    throw err;
  }
  const caCert = parseCertificate(ca.certificateDer);
  if (!Buffer.from(crl!.issuerDer).equals(Buffer.from(caCert.subjectDer))) refuse(`its issuer is not ${caCert.subject}`);
  if (!Buffer.from(crl!.authorityKeyIdentifier).equals(Buffer.from(certificateInfo(ca.certificateDer).subjectKeyIdentifier))) refuse("its authority key identifier is not this CA's key identifier");
  const bad = signatureProblem({ tbs: crl!.tbs, signature: crl!.signature, signatureAlgorithmOid: crl!.signatureAlgorithmOid }, caCert);
  if (bad) refuse(bad);
  if (crl!.thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) refuse(`thisUpdate ${crl!.thisUpdate.toISOString()} is in the future`);
  if (crl!.nextUpdate.getTime() <= now.getTime()) refuse(`it is already stale (nextUpdate ${crl!.nextUpdate.toISOString()})`);
  if (crl!.crlNumber > MAX_CRL_NUMBER) refuse("its CRL number is larger than Signet stores (2^63 − 1)");
  for (const entry of crl!.entries) if (!STORED_REASONS.has(entry.reason)) refuse(`serial ${entry.serialHex} has reason ${entry.reason}, which does not apply to public-key certificates`);
  const parsed = crl!;

  const result = await client.$transaction(
    async (tx) => {
      const [locked] = await tx.$queryRawUnsafe<{ lastCrlNumber: bigint }[]>(`SELECT "lastCrlNumber" FROM certificate_authority WHERE id = $1 FOR UPDATE`, ca.id);
      const last = BigInt(locked.lastCrlNumber);
      if (parsed.crlNumber <= last) throw new AppError("conflict", `CRL number ${parsed.crlNumber} is not greater than the last accepted one (${last}); CRL numbers strictly increase (RFC 5280 §5.2.3)`);
      const previous = await tx.crl.findFirst({ where: { caId: ca.id }, orderBy: { crlNumber: "desc" }, select: { crlNumber: true, thisUpdate: true } });
      if (previous && parsed.thisUpdate.getTime() < previous.thisUpdate.getTime()) throw new AppError("conflict", `thisUpdate is earlier than that of CRL ${previous.crlNumber}, accepted before`);

      const listed = new Map<string, ParsedCrlEntry>(parsed.entries.map((e) => [e.serialHex, e]));
      const mustStay = new Set<string>((await tx.revocation.findMany({ where: { issuerCaId: ca.id }, select: { serialHex: true } })).map((r) => r.serialHex));
      if (previous) for (const e of parseCrl(await readCrlDer(tx, ca.id, previous.crlNumber)).entries) mustStay.add(e.serialHex);
      const dropped = [...mustStay].filter((s) => !listed.has(s));
      if (dropped.length) throw new AppError("conflict", `The CRL drops ${dropped.length} serial(s) already revoked (${dropped.slice(0, 5).join(", ")}${dropped.length > 5 ? ", …" : ""}): a revoked certificate stays revoked`);

      // Registered certificates the CRL lists for the first time become revoked, with the entry's reason and time.
      const fresh = [...listed.keys()].filter((s) => !mustStay.has(s));
      const newlyRevoked: string[] = [];
      for (let i = 0; i < fresh.length; i += 1000) {
        const known = await tx.certificate.findMany({ where: { issuerCaId: ca.id, serialHex: { in: fresh.slice(i, i + 1000) }, status: "issued" }, select: { id: true, serialHex: true, kind: true, subject: true, orgId: true, pluginId: true, notBefore: true, notAfter: true } });
        await tx.revocation.createMany({
          data: known.map((cert) => {
            const entry = listed.get(cert.serialHex)!;
            return {
              certificateId: cert.id,
              issuerCaId: ca.id,
              serialHex: cert.serialHex,
              reason: entry.reason as RevocationReason,
              revokedAt: entry.revocationDate,
              invalidityDate: entry.invalidityDate ?? null,
              revokedById: actor.userId,
              crlEntry: toBytes(entry.der),
              crlNumber: parsed.crlNumber,
            };
          }),
        });
        newlyRevoked.push(...known.map((c) => c.serialHex));
        for (const cert of known) {
          const entry = listed.get(cert.serialHex)!;
          await enqueueWebhookEvent(tx, "certificate.revoked", cert.orgId, async () => ({
            ...(await certificateEventData(tx, cert)),
            reason: entry.reason,
            revokedAt: entry.revocationDate.toISOString(),
            invalidityDate: entry.invalidityDate?.toISOString() ?? null,
            crlNumber: parsed.crlNumber.toString(),
          }));
        }
        if (known.length) await tx.certificate.updateMany({ where: { id: { in: known.map((c) => c.id) } }, data: { status: "revoked" } });
      }
      await tx.crl.create({ data: { caId: ca.id, crlNumber: parsed.crlNumber, thisUpdate: parsed.thisUpdate, nextUpdate: parsed.nextUpdate, entries: parsed.entries.length, der: toBytes(der) }, select: { id: true } });
      await tx.certificateAuthority.update({ where: { id: ca.id }, data: { lastCrlNumber: parsed.crlNumber } });
      await tx.crl.deleteMany({ where: { caId: ca.id, crlNumber: { lt: parsed.crlNumber - BigInt(KEEP_CRLS) } } });
      await appendAuditEvent(tx, {
        actor,
        action: "crl.uploaded",
        subjectType: "ca",
        subjectId: ca.id,
        orgId: ca.orgId,
        details: { crlNumber: parsed.crlNumber.toString(), entries: parsed.entries.length, newlyRevoked: newlyRevoked.slice(0, 100), newlyRevokedCount: newlyRevoked.length, thisUpdate: parsed.thisUpdate.toISOString(), nextUpdate: parsed.nextUpdate.toISOString() },
      });
      return { newlyRevoked };
    },
    { timeout: 120_000, maxWait: 60_000 },
  );
  kickWebhookDeliveries();
  await forgetOcspResponses(ca.id, result.newlyRevoked).catch((err) => console.error("[signet] dropping pre-signed OCSP answers after a CRL upload failed:", err instanceof Error ? err.message : err));
  return { crlNumber: parsed.crlNumber.toString(), entries: parsed.entries.length, thisUpdate: parsed.thisUpdate.toISOString(), nextUpdate: parsed.nextUpdate.toISOString(), newlyRevoked: result.newlyRevoked };
}

/** What the org page shows: the newest accepted CRL. */
export async function uploadedCrlState(principal: Principal, caId: string) {
  const client = await db();
  const { ca } = await loadExternalCa(client, principal, caId, "read");
  const latest = await client.crl.findFirst({ where: { caId: ca.id }, orderBy: { crlNumber: "desc" }, select: { crlNumber: true, thisUpdate: true, nextUpdate: true, entries: true } });
  return {
    caId: ca.id,
    crlUrl: `/crl/${ca.id}.crl`,
    latest: latest ? { crlNumber: latest.crlNumber.toString(), thisUpdate: latest.thisUpdate.toISOString(), nextUpdate: latest.nextUpdate.toISOString(), entries: latest.entries } : null,
  };
}
