// Issues a CA's delegated OCSP responder certificate (RFC 6960 §4.2.2.2): a fresh P-256 key in
// custody, a certificate from the ocspResponder profile signed by the CA's own key through the
// common issuance path (serial recorded first, audit event), and the CA's responder row updated.
import { announceIn } from "../db/notify";
import { db, type Tx } from "../../db";
import { issueOcspResponderCertificate } from "../../pki/certificate/issue";
import { PROFILES } from "../../pki/certificate/profiles";
import { appendAuditEvent } from "../audit/append-audit-event";
import { systemPrincipal } from "../auth/principal";
import { loadIssuingCa } from "../cas/load-issuing-ca";
import { recordIssuance } from "../certificates/record-issuance";
import { addDays, wholeSecond } from "../certificates/pki-urls";
import { createManagedKey } from "../keys/create-managed-key";

export const OCSP_RESPONDER_KEY = "ecdsa-p256" as const;
/** Clients with a slow clock would otherwise see a responder "not yet valid" for its first minutes. */
const BACKDATE_MS = 5 * 60_000;

export type ResponderRecord = { caId: string; keyId: string; certificateDer: Uint8Array; notBefore: Date; notAfter: Date };

/** Renewed once less than a third of its life remains — unless it already lasts as long as its CA. */
export function renewAfter(r: Pick<ResponderRecord, "notBefore" | "notAfter">, caNotAfter: Date): Date {
  if (r.notAfter.getTime() >= caNotAfter.getTime()) return r.notAfter;
  return new Date(r.notBefore.getTime() + ((r.notAfter.getTime() - r.notBefore.getTime()) * 2) / 3);
}

async function currentRecord(client: Tx | Awaited<ReturnType<typeof db>>, caId: string): Promise<ResponderRecord | undefined> {
  const row = await client.ocspResponder.findUnique({ where: { caId }, select: { keyId: true, certificateId: true } });
  if (!row) return undefined;
  const cert = await client.certificate.findUnique({ where: { id: row.certificateId }, select: { der: true, notBefore: true, notAfter: true } });
  if (!cert?.der) return undefined;
  return { caId, keyId: row.keyId, certificateDer: cert.der, notBefore: cert.notBefore, notAfter: cert.notAfter };
}

/** The stored responder if still fresh at `now`; otherwise a new one, issued once across instances. */
export async function obtainOcspResponder(caId: string, caNotAfter: Date, now: Date): Promise<ResponderRecord> {
  const client = await db();
  const fresh = (r: ResponderRecord | undefined): r is ResponderRecord => Boolean(r && now < renewAfter(r, caNotAfter));
  const stored = await currentRecord(client, caId);
  if (fresh(stored)) return stored;
  return client.$transaction(
    async (tx) => {
      // The CA row lock makes concurrent renewals (any instance) issue one certificate, not several.
      await tx.$queryRawUnsafe(`SELECT id FROM certificate_authority WHERE id = $1 FOR UPDATE`, caId);
      const again = await currentRecord(tx, caId);
      if (fresh(again)) return again;
      return issueInTx(tx, caId, now);
    },
    { timeout: 60_000, maxWait: 60_000 },
  );
}

async function issueInTx(tx: Tx, caId: string, now: Date): Promise<ResponderRecord> {
  const actor = systemPrincipal("ocsp");
  const ca = await loadIssuingCa(tx, caId, now);
  const key = await createManagedKey(tx, OCSP_RESPONDER_KEY, "ocsp-responder");
  await appendAuditEvent(tx, { actor, action: "key.created", subjectType: "key", subjectId: key.id, orgId: ca.orgId, details: { algorithm: OCSP_RESPONDER_KEY, purpose: "ocsp-responder", caId } });
  const notBefore = wholeSecond(new Date(Math.max(now.getTime() - BACKDATE_MS, ca.info.notBefore.getTime())));
  const notAfter = addDays(wholeSecond(now), PROFILES.ocspResponder.defaultValidityDays);
  const issued = await recordIssuance(tx, {
    actor,
    kind: "ocsp_responder",
    issuerCaId: caId,
    orgId: ca.orgId,
    subject: `OCSP responder for ${ca.info.subject}`,
    notBefore,
    notAfter,
    keyId: key.id,
    publicKeySpki: key.publicKeySpki,
    auditDetails: { caId, purpose: "ocsp-responder" },
    sign: (serial) => issueOcspResponderCertificate({ issuer: ca.info, issuerSigner: ca.signer, subjectPublicKeySpki: key.publicKeySpki, serial, notBefore, notAfter }),
  });
  const record = { caId, keyId: key.id, certificateId: issued.certificate.id, notAfter: issued.info.notAfter };
  await tx.ocspResponder.upsert({ where: { caId }, create: record, update: record });
  await announceIn(tx, { kind: "responder", caId });
  return { caId, keyId: key.id, certificateDer: issued.der, notBefore: issued.info.notBefore, notAfter: issued.info.notAfter };
}
