// The delegated OCSP responder of an external-key CA. RFC 6960 §4.2.2.2 wants the responder
// certificate issued by the CA itself, whose key only the organization holds: so Signet generates
// and keeps the responder key (custody as for every hosted key), hands out a CSR for it, and the
// organization signs it offline (`signet issue --responder`) and uploads it. Signet then answers
// OCSP for that CA with it until it expires; renewal is the same two steps again.
import { announceIn } from "../db/notify";
import { z } from "zod";
import { db } from "../../db";
import { certificateInfo, ocspResponderSubject } from "../../pki/certificate/issue";
import { PROFILES } from "../../pki/certificate/profiles";
import { buildCsr, csrToPem } from "../../pki/csr/build-csr";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { Principal } from "../auth/principal";
import { assertActive, loadExternalCa } from "../cas/load-external-ca";
import { checkOutsideCertificate, checkValidityWindow, readOutsideCertificate } from "../certificates/outside-certificate";
import { toBytes } from "../db/bytes";
import { AppError } from "../errors";
import { createManagedKey } from "../keys/create-managed-key";
import { signerForKey } from "../keys/signer-for-key";
import { OCSP_RESPONDER_KEY } from "./issue-ocsp-responder";
import { forgetExternalResponder } from "./ocsp-responder";
import { EXTERNAL_RESPONDER_MAX_DAYS, RESPONDER_BACKDATE_MS } from "./responder-validity";

export const installResponderInput = z.object({ pem: z.string().min(1).max(40_000) });

/** A CSR for the responder key awaiting its certificate; the same key until one is installed. */
export async function requestResponderCsr(principal: Principal, caId: string, now = new Date()) {
  const client = await db();
  const { actor, ca } = await loadExternalCa(client, principal, caId, "write");
  assertActive(ca, now);
  const caInfo = certificateInfo(ca.certificateDer);
  return client.$transaction(async (tx) => {
    const [locked] = await tx.$queryRawUnsafe<{ pendingResponderKeyId: string | null }[]>(`SELECT "pendingResponderKeyId" FROM certificate_authority WHERE id = $1 FOR UPDATE`, ca.id);
    let keyId = locked.pendingResponderKeyId;
    if (!keyId) {
      const key = await createManagedKey(tx, OCSP_RESPONDER_KEY, "ocsp-responder");
      keyId = key.id;
      await tx.certificateAuthority.update({ where: { id: ca.id }, data: { pendingResponderKeyId: keyId } });
      await appendAuditEvent(tx, { actor, action: "key.created", subjectType: "key", subjectId: keyId, orgId: ca.orgId, details: { algorithm: OCSP_RESPONDER_KEY, purpose: "ocsp-responder", caId: ca.id, awaiting: "certificate signed by the organization" } });
    }
    // The CSR proves possession of the key Signet holds; the organization's signature decides the rest.
    const csrPem = csrToPem(await buildCsr(ocspResponderSubject(caInfo), await signerForKey(tx, keyId)));
    return { csrPem, command: `signet issue --responder --ca-key org.key --ca-cert org.pem --csr responder.csr --out responder.pem` };
  });
}

/** Installs the responder certificate the organization signed for the pending key. */
export async function installResponderCertificate(principal: Principal, caId: string, raw: z.input<typeof installResponderInput>, now = new Date()) {
  const input = installResponderInput.parse(raw);
  const client = await db();
  const { actor, ca } = await loadExternalCa(client, principal, caId, "write");
  assertActive(ca, now);
  if (!ca.pendingResponderKeyId) throw new AppError("conflict", "No responder key is waiting for a certificate: ask for a CSR first (POST /api/v1/cas/{caId}/ocsp-responder)");
  const key = await client.managedKey.findUniqueOrThrow({ where: { id: ca.pendingResponderKeyId }, select: { id: true, publicKeySpki: true } });
  const caInfo = certificateInfo(ca.certificateDer);
  const der = readOutsideCertificate(input.pem);
  const info = checkOutsideCertificate(der, { profile: PROFILES.ocspResponder, issuerDer: ca.certificateDer, subject: () => ocspResponderSubject(caInfo), subjectPublicKeySpki: key.publicKeySpki });
  checkValidityWindow(info, now, EXTERNAL_RESPONDER_MAX_DAYS, "responder certificate", RESPONDER_BACKDATE_MS);

  const installed = await client.$transaction(async (tx) => {
    const [locked] = await tx.$queryRawUnsafe<{ pendingResponderKeyId: string | null }[]>(`SELECT "pendingResponderKeyId" FROM certificate_authority WHERE id = $1 FOR UPDATE`, ca.id);
    if (locked.pendingResponderKeyId !== key.id) throw new AppError("conflict", "The responder key changed meanwhile; ask for a new CSR");
    const clash = await tx.certificate.findUnique({ where: { issuerCaId_serialHex: { issuerCaId: ca.id, serialHex: info.serialHex } }, select: { id: true } });
    if (clash) throw new AppError("conflict", `Serial ${info.serialHex} is already taken by another certificate of this CA`);
    const certificate = await tx.certificate.create({
      data: {
        serialHex: info.serialHex,
        issuerCaId: ca.id,
        kind: "ocsp_responder",
        status: "issued",
        orgId: ca.orgId,
        subject: info.subject,
        notBefore: info.notBefore,
        notAfter: info.notAfter,
        der: toBytes(der),
        fingerprintSha256: info.fingerprintSha256,
        keyId: key.id,
        publicKeySpki: toBytes(info.spkiDer),
      },
      select: { id: true },
    });
    const record = { caId: ca.id, keyId: key.id, certificateId: certificate.id, notAfter: info.notAfter };
    await tx.ocspResponder.upsert({ where: { caId: ca.id }, create: record, update: record });
    await announceIn(tx, { kind: "responder", caId: ca.id });
    await tx.certificateAuthority.update({ where: { id: ca.id }, data: { pendingResponderKeyId: null } });
    await appendAuditEvent(tx, {
      actor,
      action: "ocsp_responder.installed",
      subjectType: "certificate",
      subjectId: certificate.id,
      orgId: ca.orgId,
      details: { caId: ca.id, serial: info.serialHex, keyId: key.id, notAfter: info.notAfter.toISOString() },
    });
    return { serial: info.serialHex, notBefore: info.notBefore.toISOString(), notAfter: info.notAfter.toISOString() };
  });
  forgetExternalResponder(ca.id);
  return { installed, pending: false };
}

/** What the org page shows: the installed responder, and whether a key waits for its certificate. */
export async function responderState(principal: Principal, caId: string, now = new Date()) {
  const client = await db();
  const { ca } = await loadExternalCa(client, principal, caId, "read");
  const row = await client.ocspResponder.findUnique({ where: { caId: ca.id }, select: { certificateId: true } });
  const cert = row ? await client.certificate.findUnique({ where: { id: row.certificateId }, select: { serialHex: true, notBefore: true, notAfter: true, status: true } }) : null;
  return {
    caId: ca.id,
    pending: Boolean(ca.pendingResponderKeyId),
    installed: cert ? { serial: cert.serialHex, notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString(), active: cert.status === "issued" && cert.notAfter.getTime() > now.getTime() } : null,
  };
}
