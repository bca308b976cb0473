// Renewing a plugin or organization CA certificate is a request like any other (PRODUCT.md: the
// approvals policy applies to renewals as it applies to requests): it names the certificate it
// renews, keeps its subject and plugin id, and by default its key. Whoever could approve such a
// request gets the certificate at once; anyone else leaves a pending request for them.
// Re-keying: a new CSR (a key the requester holds) or `rekey: true` (a new key Signet generates).
// For an org CA, a new key is a rollover: a new CA under the same name; the old one stays valid for
// what it issued (CRL and OCSP go on) and issues nothing new.
import { z } from "zod";
import { db } from "../../db";
import { PROFILES } from "../../pki/certificate/profiles";
import { appendAuditEvent } from "../audit/append-audit-event";
import { membershipIn, requireUser, type Principal } from "../auth/principal";
import { AppError } from "../errors";
import { recordApprovalOrIssue } from "../requests/approve-request";
import { decisionRefusal } from "../requests/authorize-decision";
import { csrSummary, parseCsrInput } from "../requests/csr-input";
import { lockPluginId } from "../requests/lock-plugin-id";
import { serializeRequest } from "../requests/serialize-request";
import { readStorePolicy } from "../settings/store-policy";
import { kickWebhookDeliveries } from "../webhooks/deliver-webhooks";
import { enqueueWebhookEvent } from "../webhooks/enqueue-webhook-event";
import { findVisibleCertificate } from "./get-certificate";

export const renewInput = z
  .object({
    /** A new key generated and held by Signet (hosted keys only). */
    rekey: z.boolean().default(false),
    /** A new key the requester holds: its CSR (the subject Signet writes is the renewed certificate's). */
    csrPem: z.string().max(70_000).optional(),
  })
  .strict();

const ORG_CA_RENEWAL_LOCK = 72_707_030;

export async function renewCertificate(principal: Principal, serialHex: string, raw: z.input<typeof renewInput>) {
  const actor = requireUser(principal);
  const input = renewInput.parse(raw);
  const cert = await findVisibleCertificate(actor, serialHex);
  if (cert.kind !== "plugin" && cert.kind !== "org_ca") throw new AppError("conflict", "Only plugin and organization CA certificates are renewed here");
  if (!cert.orgId) throw new AppError("conflict", "The certificate belongs to no organization");
  if (!membershipIn(actor, cert.orgId) && !actor.isOperator) throw new AppError("not_found", "Certificate not found");
  if (cert.status !== "issued") throw new AppError("conflict", "A revoked certificate is not renewed: request a new one");
  if (input.rekey && input.csrPem) throw new AppError("bad_request", "Send either rekey (a new key Signet holds) or csrPem (a new key you hold), not both");
  const client = await db();
  const org = await client.organization.findUniqueOrThrow({ where: { id: cert.orgId } });
  if (org.status !== "approved") throw new AppError("conflict", `The organization is ${org.status}: nothing is renewed`);
  const hostedKey = cert.keyId ? await client.managedKey.findUnique({ where: { id: cert.keyId }, select: { algorithm: true } }) : null;
  if (input.rekey && !hostedKey) throw new AppError("bad_request", "This certificate's key is held by its organization: send a CSR for the new key (csrPem)");
  const csr = input.csrPem ? parseCsrInput(input.csrPem, cert.kind === "plugin" ? PROFILES.plugin : PROFILES.orgCa) : undefined;
  const ca = cert.kind === "org_ca" ? await client.certificateAuthority.findUnique({ where: { certificateId: cert.id }, select: { id: true, supersededAt: true, status: true } }) : null;
  if (cert.kind === "org_ca" && (!ca || ca.supersededAt || ca.status !== "active")) throw new AppError("conflict", "This is not the organization's current CA certificate: renew the current one");
  if (cert.kind === "plugin") {
    const issuing = await client.certificateAuthority.findFirst({ where: { orgId: org.id, kind: "org", status: "active", supersededAt: null }, orderBy: { createdAt: "desc" }, select: { keyId: true } });
    if (!issuing) throw new AppError("conflict", "The organization has no active CA");
    if (!issuing.keyId) throw new AppError("conflict", "This organization keeps its own CA key: renew plugin certificates offline with `signet issue` and register them");
  }
  const previousRequest = cert.requestId ? await client.certificateRequest.findUnique({ where: { id: cert.requestId }, select: { keyAlgorithm: true, keySize: true } }) : null;
  const keyMode = csr ? "external" : hostedKey ? "hosted" : "external";
  const created = await client.$transaction(async (tx) => {
    if (cert.kind === "plugin") {
      await lockPluginId(tx, org.id, cert.pluginId!);
      const pending = await tx.certificateRequest.findFirst({ where: { orgId: org.id, pluginId: cert.pluginId, kind: "plugin_cert", status: "pending" }, select: { id: true } });
      if (pending) throw new AppError("conflict", `A certificate request for ${cert.pluginId} is already pending (${pending.id}): decide or withdraw it first`);
    } else {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${ORG_CA_RENEWAL_LOCK}, hashtext($1))`, org.id);
      const pending = await tx.certificateRequest.findFirst({ where: { orgId: org.id, kind: "org_ca", status: "pending" }, select: { id: true } });
      if (pending) throw new AppError("conflict", `An organization CA request is already pending (${pending.id})`);
    }
    const request = await tx.certificateRequest.create({
      data: {
        kind: cert.kind === "plugin" ? "plugin_cert" : "org_ca",
        orgId: org.id,
        pluginId: cert.pluginId,
        keyMode,
        // The renewed certificate's name: the subject Signet wrote then is the one it writes now.
        subject: cert.kind === "plugin" ? `O=${org.name}, CN=${cert.pluginId}` : cert.subject,
        keyAlgorithm: csr?.keyAlgorithm ?? hostedKey?.algorithm ?? previousRequest?.keyAlgorithm ?? "rsa-3072",
        ...(csr ? csrSummary(csr) : hostedKey ? {} : { publicKeySpki: cert.publicKeySpki, keySize: previousRequest?.keySize ?? null }),
        renewsCertificateId: cert.id,
        newKey: input.rekey,
        requestedById: actor.userId,
      },
      include: { org: { select: { slug: true, contactVerifiedAt: true } } },
    });
    const rekeyed = input.rekey || csr !== undefined;
    await appendAuditEvent(tx, {
      actor,
      action: "request.created",
      subjectType: "request",
      subjectId: request.id,
      orgId: org.id,
      details: { kind: request.kind, pluginId: cert.pluginId, keyMode, renews: cert.serialHex, rekey: rekeyed },
    });
    const json = serializeRequest(request);
    await enqueueWebhookEvent(tx, "request.pending", org.id, () => ({ requestId: json.id, kind: json.kind, orgSlug: json.orgSlug, pluginId: json.pluginId ?? null, subject: json.subject, keyMode, renews: cert.serialHex, rekey: rekeyed }));
    return request;
  });
  kickWebhookDeliveries();
  // Whoever may decide it decides it now; a missing second factor or a policy of several operators
  // leaves the request pending (with this approval recorded) for the others.
  if (decisionRefusal(actor, created, await readStorePolicy(client)) === undefined) {
    try {
      const decided = await recordApprovalOrIssue(actor, created.id);
      return { renews: cert.serialHex, ...decided };
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== "forbidden") throw err;
    }
  }
  return { renews: cert.serialHex, pending: true as const, request: serializeRequest(created) };
}
