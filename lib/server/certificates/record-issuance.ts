// Issuance bookkeeping shared by every certificate kind: the serial is recorded (status "reserved")
// before the CA key signs anything, unique per issuer; then the signed certificate and its audit
// event land together.
import type { Prisma } from "../../generated/prisma/client";
import type { Tx } from "../../db";
import { certificateInfo } from "../../pki/certificate/issue";
import { randomSerial, serialToHex } from "../../pki/certificate/serial";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { Principal } from "../auth/principal";
import { toBytes } from "../db/bytes";
import { certificateEventData, enqueueWebhookEvent } from "../webhooks/enqueue-webhook-event";

type Kind = "org_ca" | "plugin" | "ocsp_responder";

export type IssuanceInput = {
  actor: Principal;
  kind: Kind;
  issuerCaId: string;
  orgId?: string | null;
  pluginId?: string | null;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  keyId?: string | null;
  publicKeySpki: Uint8Array;
  requestId?: string | null;
  /** Builds and signs the certificate for the reserved serial. */
  sign: (serial: Uint8Array) => Promise<Uint8Array>;
  auditDetails?: Record<string, unknown>;
};

export async function recordIssuance(tx: Tx, input: IssuanceInput) {
  let serial = randomSerial();
  let reserved: { id: string } | undefined;
  for (let attempt = 0; !reserved; attempt++) {
    const serialHex = serialToHex(serial);
    const clash = await tx.certificate.findUnique({ where: { issuerCaId_serialHex: { issuerCaId: input.issuerCaId, serialHex } }, select: { id: true } });
    if (clash) {
      if (attempt > 3) throw new Error("could not draw a unique serial");
      serial = randomSerial();
      continue;
    }
    reserved = await tx.certificate.create({
      data: {
        serialHex,
        issuerCaId: input.issuerCaId,
        kind: input.kind,
        status: "reserved",
        orgId: input.orgId ?? null,
        pluginId: input.pluginId ?? null,
        subject: input.subject,
        notBefore: input.notBefore,
        notAfter: input.notAfter,
        keyId: input.keyId ?? null,
        publicKeySpki: toBytes(input.publicKeySpki),
        requestId: input.requestId ?? null,
      } satisfies Prisma.CertificateUncheckedCreateInput,
      select: { id: true },
    });
  }
  const der = await input.sign(serial);
  const info = certificateInfo(der);
  const certificate = await tx.certificate.update({
    where: { id: reserved.id },
    data: { status: "issued", der: toBytes(der), subject: info.subject, fingerprintSha256: info.fingerprintSha256, notBefore: info.notBefore, notAfter: info.notAfter },
  });
  await appendAuditEvent(tx, {
    actor: input.actor,
    action: "certificate.issued",
    subjectType: "certificate",
    subjectId: certificate.id,
    orgId: input.orgId ?? null,
    details: { kind: input.kind, serial: certificate.serialHex, subject: info.subject, issuerCaId: input.issuerCaId, notAfter: info.notAfter.toISOString(), ...input.auditDetails },
  });
  // Delegated OCSP responder certificates renew themselves weekly: not news for a webhook receiver.
  if (input.kind !== "ocsp_responder") await enqueueWebhookEvent(tx, "certificate.issued", certificate.orgId, () => certificateEventData(tx, certificate));
  return { certificate, der, info };
}
