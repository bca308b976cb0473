// An external-key organization registers a plugin certificate it issued offline (`signet issue`),
// so that Signet's inventory and OCSP know it: "good" instead of "unknown".
import { z } from "zod";
import { db } from "../../db";
import { pluginSubject } from "../../pki/certificate/issue";
import { PROFILES } from "../../pki/certificate/profiles";
import { parseCrl } from "../../pki/crl/parse-crl";
import { appendAuditEvent } from "../audit/append-audit-event";
import { isOperator, membershipIn, requireUser, type Principal } from "../auth/principal";
import { assertActive, loadExternalCa } from "../cas/load-external-ca";
import { toBytes } from "../db/bytes";
import { AppError } from "../errors";
import { pluginIdInPrefix, pluginIdSchema } from "../orgs/naming";
import { forgetOcspResponse } from "../revocation/ocsp-cache";
import { readCrlDer } from "../revocation/crl-store";
import { readStorePolicy } from "../settings/store-policy";
import { kickWebhookDeliveries } from "../webhooks/deliver-webhooks";
import { certificateEventData, enqueueWebhookEvent } from "../webhooks/enqueue-webhook-event";
import { findVisibleCertificate } from "./get-certificate";
import { issuerChain } from "./list-certificates";
import { checkOutsideCertificate, checkValidityWindow, readOutsideCertificate } from "./outside-certificate";
import { pkiUrlsFor } from "./pki-urls";
import { serializeCertificate } from "./serialize-certificate";

export const registerCertificateInput = z.object({ pem: z.string().min(1).max(40_000) });

export async function registerCertificate(principal: Principal, orgSlug: string, raw: z.input<typeof registerCertificateInput>, now = new Date()) {
  const user = requireUser(principal);
  const input = registerCertificateInput.parse(raw);
  const client = await db();
  const org = await client.organization.findUnique({ where: { slug: orgSlug }, select: { id: true } });
  if (!org || !(membershipIn(user, org.id) || isOperator(user))) throw new AppError("not_found", "Organization not found");
  const caRow = await client.certificateAuthority.findFirst({ where: { orgId: org.id, kind: "org" }, orderBy: { createdAt: "desc" }, select: { id: true } });
  if (!caRow) throw new AppError("conflict", "The organization has no CA yet");
  const { actor, ca } = await loadExternalCa(client, user, caRow.id, "write");
  assertActive(ca, now);

  const der = readOutsideCertificate(input.pem);
  const info = checkOutsideCertificate(der, {
    profile: PROFILES.plugin,
    issuerDer: ca.certificateDer,
    subject: (cn) => pluginSubject(ca.orgName, cn),
    orgName: ca.orgName,
    urls: pkiUrlsFor(ca.id),
  });
  const pluginId = info.commonName!;
  if (!pluginIdSchema.safeParse(pluginId).success) throw new AppError("bad_request", `The certificate's CN '${pluginId}' is not a plugin id`);
  if (!pluginIdInPrefix(pluginId, ca.pluginIdPrefix)) throw new AppError("bad_request", `The plugin id ${pluginId} is outside the organization's prefix '${ca.pluginIdPrefix}'`);
  checkValidityWindow(info, now, (await readStorePolicy(client)).pluginCertValidityDays, "certificate");

  const registered = await client.$transaction(async (tx) => {
    // Under the CA row lock, so a CRL upload cannot slip between the revoked-serial check and the insert.
    await tx.$queryRawUnsafe(`SELECT id FROM certificate_authority WHERE id = $1 FOR UPDATE`, ca.id);
    const clash = await tx.certificate.findUnique({ where: { issuerCaId_serialHex: { issuerCaId: ca.id, serialHex: info.serialHex } }, select: { fingerprintSha256: true } });
    if (clash) {
      throw new AppError("conflict", clash.fingerprintSha256 === info.fingerprintSha256 ? "This certificate is already registered" : `Serial ${info.serialHex} is already taken by another certificate of this CA (serials are unique per issuer)`);
    }
    const latestCrl = await tx.crl.findFirst({ where: { caId: ca.id }, orderBy: { crlNumber: "desc" }, select: { crlNumber: true } });
    if (latestCrl && parseCrl(await readCrlDer(tx, ca.id, latestCrl.crlNumber)).entries.some((e) => e.serialHex === info.serialHex)) {
      throw new AppError("conflict", `Serial ${info.serialHex} is listed as revoked on CRL ${latestCrl.crlNumber}`);
    }
    const certificate = await tx.certificate.create({
      data: {
        serialHex: info.serialHex,
        issuerCaId: ca.id,
        kind: "plugin",
        status: "issued",
        orgId: ca.orgId,
        pluginId,
        subject: info.subject,
        notBefore: info.notBefore,
        notAfter: info.notAfter,
        der: toBytes(der),
        fingerprintSha256: info.fingerprintSha256,
        publicKeySpki: toBytes(info.spkiDer),
      },
    });
    await appendAuditEvent(tx, {
      actor,
      action: "certificate.registered",
      subjectType: "certificate",
      subjectId: certificate.id,
      orgId: ca.orgId,
      details: { kind: "plugin", serial: info.serialHex, subject: info.subject, issuerCaId: ca.id, pluginId, notAfter: info.notAfter.toISOString(), fingerprintSha256: info.fingerprintSha256 },
    });
    await enqueueWebhookEvent(tx, "certificate.issued", certificate.orgId, () => certificateEventData(tx, certificate));
    return certificate;
  });
  kickWebhookDeliveries();
  // An "unknown" answered before registration may sit in this instance's OCSP cache.
  await forgetOcspResponse(ca.id, registered.serialHex).catch(() => {});
  const row = await findVisibleCertificate(actor, registered.serialHex);
  return serializeCertificate(row, await issuerChain(client, row.issuerCaId));
}
