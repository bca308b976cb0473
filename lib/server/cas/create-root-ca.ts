// Creates the store's Root CA: a hosted key, a serial recorded before signing, the self-signed
// certificate checked against the root profile, and the audit events, all in the caller's transaction.
import { announceIn } from "../db/notify";
import type { Tx } from "../../db";
import { certificateInfo, issueRootCa } from "../../pki/certificate/issue";
import { randomSerial, serialToHex } from "../../pki/certificate/serial";
import type { KeyAlgorithm } from "../../pki/signer";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { Principal } from "../auth/principal";
import { toBytes } from "../db/bytes";
import { createManagedKey } from "../keys/create-managed-key";
import { caSubjectKey } from "./ca-subject";
import { signerForKey } from "../keys/signer-for-key";

export const ROOT_VALIDITY_YEARS = 30;

export async function createRootCa(
  tx: Tx,
  input: { actor: Principal; commonName: string; algorithm: KeyAlgorithm; now: Date },
): Promise<{ caId: string; certificateId: string; serialHex: string }> {
  const { actor, commonName, algorithm, now } = input;
  const key = await createManagedKey(tx, algorithm, "root-ca");
  await appendAuditEvent(tx, {
    actor,
    action: "key.created",
    subjectType: "key",
    subjectId: key.id,
    details: { algorithm, purpose: "root-ca", backend: key.backend },
  });

  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + ROOT_VALIDITY_YEARS);
  const serial = randomSerial();
  const serialHex = serialToHex(serial);

  const reserved = await tx.certificate.create({
    data: { serialHex, kind: "root_ca", status: "reserved", subject: `CN=${commonName}`, notBefore, notAfter, keyId: key.id },
    select: { id: true },
  });

  const signer = await signerForKey(tx, key.id);
  const der = await issueRootCa({ signer, commonName, serial, notBefore, notAfter });
  const info = certificateInfo(der);

  await tx.certificate.update({
    where: { id: reserved.id },
    data: {
      status: "issued",
      der: toBytes(der),
      subject: info.subject,
      fingerprintSha256: info.fingerprintSha256,
      publicKeySpki: toBytes(info.spkiDer),
    },
  });
  const ca = await tx.certificateAuthority.create({
    data: {
      kind: "root",
      keyId: key.id,
      subject: info.subject,
      subjectKey: caSubjectKey(info.subject),
      subjectDer: toBytes(info.subjectDer),
      spkiSha1: toBytes(info.subjectKeyIdentifier),
      certificateId: reserved.id,
    },
    select: { id: true },
  });
  await tx.certificate.update({ where: { id: reserved.id }, data: { issuerCaId: null } });
  await appendAuditEvent(tx, {
    actor,
    action: "certificate.issued",
    subjectType: "certificate",
    subjectId: reserved.id,
    details: { kind: "root_ca", caId: ca.id, serial: serialHex, subject: info.subject, notAfter: notAfter.toISOString() },
  });
  await announceIn(tx, { kind: "ca", caId: ca.id });
  return { caId: ca.id, certificateId: reserved.id, serialHex };
}
