// Approving a request issues its certificate. The request row is locked, so of any number of
// concurrent approvals exactly one issues and the rest get 409.
import { announceIn } from "../db/notify";
import type { Tx } from "../../db";
import { db } from "../../db";
import { ProfileViolation } from "../../pki/certificate/check-profile";
import { issueOrgCa, issuePluginCertificate, toPem } from "../../pki/certificate/issue";
import type { KeyAlgorithm } from "../../pki/signer";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { Principal } from "../auth/principal";
import { recordDistinctApproval, type ApprovalsJson } from "../approvals/distinct-approvals";
import { toBytes } from "../db/bytes";
import { AppError } from "../errors";
import { findRootCaId, loadIssuingCa } from "../cas/load-issuing-ca";
import { caSubjectKey, orgCaSubjectText } from "../cas/ca-subject";
import { recordIssuance } from "../certificates/record-issuance";
import { addDays, pkiUrlsFor, wholeSecond } from "../certificates/pki-urls";
import { createManagedKey } from "../keys/create-managed-key";
import { readStorePolicy } from "../settings/store-policy";
import { authorizeDecision, type RequestRow } from "./authorize-decision";
import { serializeRequest } from "./serialize-request";
import { kickWebhookDeliveries } from "../webhooks/deliver-webhooks";
import { enqueueWebhookEvent } from "../webhooks/enqueue-webhook-event";
import { lockPluginId } from "./lock-plugin-id";
import { kickMailDelivery } from "../mail/deliver-mail";
import { mailRequestDecided } from "../notifications/mail-notices";


/**
 * An org CA request under a policy of N > 1 approvals: each call records one operator's approval
 * (202 with what is still missing) until the N-th, which issues in the same transaction. With N = 1
 * nothing is recorded and the answer is the certificate, as it always was.
 */
export async function recordApprovalOrIssue(actor: Principal, requestId: string, now = new Date()) {
  const client = await db();
  const request = await authorizeDecision(client, actor, requestId);
  const result = await client
    .$transaction(
      async (tx) => {
        await lockPendingRequest(tx, request.id);
        // Read under the row lock: a policy change between two approvals applies to the later one.
        const policy = await readStorePolicy(tx);
        if (request.kind !== "org_ca") return approvePluginCert(tx, actor, request, now, policy.pluginCertValidityDays);
        if (policy.orgCaApprovals <= 1) return approveOrgCa(tx, actor, request, now, policy.orgCaValidityDays);
        const approvals = await recordApproval(tx, actor, request, policy.orgCaApprovals);
        if (approvals.have < approvals.need) {
          const pending = await tx.certificateRequest.findUniqueOrThrow({ where: { id: request.id }, include: { org: { select: { slug: true, contactVerifiedAt: true } } } });
          return { pending: true as const, request: serializeRequest(pending), approvals };
        }
        return { ...(await approveOrgCa(tx, actor, request, now, policy.orgCaValidityDays)), approvals };
      },
      { timeout: 60_000, maxWait: 60_000 },
    )
    .catch((err: unknown) => {
      // A request stored before its key was refused at the edge (a weak key, an RSA size no profile
      // allows): the profile check refuses it before signing and the transaction leaves nothing behind.
      if (err instanceof ProfileViolation) throw new AppError("conflict", `This request cannot be approved: ${err.message}`);
      throw err;
    });
  kickWebhookDeliveries();
  kickMailDelivery();
  return result;
}

async function recordApproval(tx: Tx, actor: Principal, request: RequestRow, need: number): Promise<ApprovalsJson> {
  // Checked before an approval counts: a request that cannot be issued must not collect approvals
  // that would issue it the moment the address is verified, without anyone looking again.
  assertContactVerified(await tx.organization.findUniqueOrThrow({ where: { id: request.orgId }, select: { contactVerifiedAt: true } }));
  const approvals = await recordDistinctApproval(tx, actor, { requestId: request.id }, need, "you already approved this request: another operator must approve it");
  await appendAuditEvent(tx, { actor, action: "request.approval_recorded", subjectType: "request", subjectId: request.id, orgId: request.orgId, details: { kind: "org_ca", have: approvals.have, need } });
  return approvals;
}

/**
 * Always, mail server or not: without SMTP the link lands in the outbox operators read in Settings,
 * so the operator forwards it to the contact (or confirms the address by following it only after
 * checking with its owner); an approval never stands in for the verification.
 */
function assertContactVerified(org: { contactVerifiedAt: Date | null }): void {
  if (!org.contactVerifiedAt) throw new AppError("conflict", "contact address not verified: the organization has not yet followed the link mailed to its contact address");
}

/**
 * For callers that expect the certificate (scripts, the CLI's seeding, tests under the default policy):
 * under a policy of N > 1 the approval is still recorded, and the answer says who else must approve.
 */
export async function approveRequest(actor: Principal, requestId: string, now = new Date()) {
  const result = await recordApprovalOrIssue(actor, requestId, now);
  if ("pending" in result) throw new AppError("conflict", `Approval recorded (${result.approvals.have} of ${result.approvals.need}): more operators must approve before the certificate is issued`);
  return result;
}

export async function lockPendingRequest(tx: Tx, requestId: string): Promise<void> {
  const rows = await tx.$queryRawUnsafe<{ status: string }[]>(`SELECT status::text AS status FROM certificate_request WHERE id = $1 FOR UPDATE`, requestId);
  if (rows.length === 0) throw new AppError("not_found", "Request not found");
  if (rows[0].status !== "pending") throw new AppError("conflict", `The request is already ${rows[0].status}`);
}

/** Audit details of a renewal: the serial it renews. */
async function renewalDetails(tx: Tx, request: RequestRow): Promise<Record<string, unknown>> {
  if (!request.renewsCertificateId) return {};
  const renewed = await tx.certificate.findUnique({ where: { id: request.renewsCertificateId }, select: { serialHex: true } });
  return { renews: renewed?.serialHex ?? null, rekey: request.newKey || request.csrDer !== null };
}

async function approveOrgCa(tx: Tx, actor: Principal, request: RequestRow, now: Date, validityDays: number) {
  if (request.renewsCertificateId) return renewOrgCa(tx, actor, request, now, validityDays);
  const root = await loadIssuingCa(tx, await findRootCaId(tx), now);
  const org = await tx.organization.findUniqueOrThrow({ where: { id: request.orgId } });
  // The contact address must have followed its link before the org gets a CA.
  assertContactVerified(org);
  // Before any key is made: a refused approval must leave no key behind (not even in an HSM).
  const subject = await assertUniqueOrgCaSubject(tx, org, request.subject);
  const hosted = request.keyMode === "hosted";
  const key = hosted ? await createManagedKey(tx, (request.keyAlgorithm as KeyAlgorithm) ?? "ecdsa-p256", "org-ca") : undefined;
  if (key) await appendAuditEvent(tx, { actor, action: "key.created", subjectType: "key", subjectId: key.id, orgId: org.id, details: { algorithm: request.keyAlgorithm, purpose: "org-ca", backend: key.backend } });
  const publicKeySpki = key?.publicKeySpki ?? request.publicKeySpki;
  if (!publicKeySpki) throw new AppError("conflict", "The request has no public key");
  const notBefore = wholeSecond(now);
  const notAfter = addDays(notBefore, validityDays);
  const ca = await tx.certificateAuthority
    .create({
      data: { kind: "org", orgId: org.id, parentId: root.id, keyId: key?.id ?? null, subject, subjectKey: caSubjectKey(subject), subjectDer: new Uint8Array(), spkiSha1: new Uint8Array() },
      select: { id: true },
    })
    .catch((err: unknown) => {
      // The partial unique index on active CAs' subjects: a concurrent issuance won the name.
      if ((err as { code?: string }).code === "P2002") throw new AppError("conflict", `An active CA with the subject '${subject}' already exists`);
      throw err;
    });
  const issued = await issueOrgCaCertificate(tx, { actor, root, org, caId: ca.id, keyId: key?.id, publicKeySpki, request, notBefore, notAfter, auditDetails: { caId: ca.id, keyMode: request.keyMode } });
  await tx.organization.update({ where: { id: org.id }, data: { status: "approved", rejectionReason: null } });
  const decided = await markDecided(tx, actor, request, "approved");
  await appendAuditEvent(tx, { actor, action: "request.approved", subjectType: "request", subjectId: request.id, orgId: org.id, details: { kind: "org_ca", caId: ca.id, serial: issued.certificate.serialHex } });
  return { request: decided, certificate: { serial: issued.certificate.serialHex, pem: toPem(issued.der, "CERTIFICATE") }, caId: ca.id };
}

/**
 * An org CA renewal. Same key: a new certificate for the same CA (same name, same key), so every
 * chain below it, its CRL and its OCSP answers are unchanged. New key: a rollover — the old CA is
 * marked superseded (still active: its certificates, CRL and OCSP stay valid until they expire) and
 * a new CA under the same name takes over issuing.
 */
async function renewOrgCa(tx: Tx, actor: Principal, request: RequestRow, now: Date, validityDays: number) {
  const old = await tx.certificateAuthority.findUnique({
    where: { certificateId: request.renewsCertificateId! },
    select: { id: true, keyId: true, status: true, supersededAt: true, subject: true, certificate: { select: { publicKeySpki: true, serialHex: true } } },
  });
  if (!old || old.status !== "active" || old.supersededAt) throw new AppError("conflict", "The CA this request renews is no longer the organization's current CA: nothing was issued");
  const org = await tx.organization.findUniqueOrThrow({ where: { id: request.orgId } });
  if (org.status !== "approved") throw new AppError("conflict", `The organization is ${org.status}: nothing was issued`);
  const root = await loadIssuingCa(tx, await findRootCaId(tx), now);
  const oldSpki = old.certificate?.publicKeySpki ?? null;
  const sameKey = request.keyMode === "hosted" ? !request.newKey && old.keyId !== null : request.publicKeySpki !== null && oldSpki !== null && Buffer.from(request.publicKeySpki).equals(Buffer.from(oldSpki));
  let keyId = sameKey ? old.keyId : null;
  let publicKeySpki: Uint8Array | null = sameKey ? oldSpki : request.publicKeySpki;
  if (!sameKey && request.keyMode === "hosted") {
    const key = await createManagedKey(tx, (request.keyAlgorithm as KeyAlgorithm) ?? "ecdsa-p256", "org-ca");
    await appendAuditEvent(tx, { actor, action: "key.created", subjectType: "key", subjectId: key.id, orgId: org.id, details: { algorithm: request.keyAlgorithm, purpose: "org-ca", backend: key.backend, rekey: true } });
    keyId = key.id;
    publicKeySpki = key.publicKeySpki;
  }
  if (!publicKeySpki) throw new AppError("conflict", "The request has no public key");
  const spki = publicKeySpki;
  let caId = old.id;
  if (!sameKey) {
    // First the old CA stops issuing, then the new one may take the name (the partial unique index
    // counts only CAs that still issue).
    await tx.certificateAuthority.update({ where: { id: old.id }, data: { supersededAt: wholeSecond(now) } });
    caId = (
      await tx.certificateAuthority.create({
        data: { kind: "org", orgId: org.id, parentId: root.id, keyId, subject: old.subject, subjectKey: caSubjectKey(old.subject), subjectDer: new Uint8Array(), spkiSha1: new Uint8Array() },
        select: { id: true },
      })
    ).id;
  }
  const notBefore = wholeSecond(now);
  const notAfter = addDays(notBefore, validityDays);
  const issued = await issueOrgCaCertificate(tx, {
    actor,
    root,
    org,
    caId,
    keyId: keyId ?? undefined,
    publicKeySpki: spki,
    request,
    notBefore,
    notAfter,
    auditDetails: { caId, keyMode: request.keyMode, renews: old.certificate?.serialHex ?? null, rekey: !sameKey },
  });
  if (!sameKey) await appendAuditEvent(tx, { actor, action: "ca.rolled_over", subjectType: "ca", subjectId: old.id, orgId: org.id, details: { from: old.id, to: caId, serial: issued.certificate.serialHex } });
  const decided = await markDecided(tx, actor, request, "approved");
  await appendAuditEvent(tx, { actor, action: "request.approved", subjectType: "request", subjectId: request.id, orgId: org.id, details: { kind: "org_ca", caId, serial: issued.certificate.serialHex, renews: old.certificate?.serialHex ?? null } });
  return { request: decided, certificate: { serial: issued.certificate.serialHex, pem: toPem(issued.der, "CERTIFICATE") }, caId };
}

/** Signs an org CA certificate under the root for CA row `caId` and points the row at it (its Name, key id, certificate). */
async function issueOrgCaCertificate(
  tx: Tx,
  input: { actor: Principal; root: Awaited<ReturnType<typeof loadIssuingCa>>; org: { id: string; name: string }; caId: string; keyId: string | undefined; publicKeySpki: Uint8Array; request: RequestRow; notBefore: Date; notAfter: Date; auditDetails: Record<string, unknown> },
) {
  const { root, org, publicKeySpki, notBefore, notAfter } = input;
  const issued = await recordIssuance(tx, {
    actor: input.actor,
    kind: "org_ca",
    issuerCaId: root.id,
    orgId: org.id,
    subject: input.request.subject,
    notBefore,
    notAfter,
    keyId: input.keyId,
    publicKeySpki,
    requestId: input.request.id,
    auditDetails: input.auditDetails,
    sign: (serial) => issueOrgCa({ issuer: root.info, issuerSigner: root.signer, orgName: org.name, subjectPublicKeySpki: publicKeySpki, serial, notBefore, notAfter, urls: pkiUrlsFor(root.id) }),
  });
  await tx.certificateAuthority.update({
    where: { id: input.caId },
    data: { subject: issued.info.subject, subjectKey: caSubjectKey(issued.info.subject), subjectDer: toBytes(issued.info.subjectDer), spkiSha1: toBytes(issued.info.subjectKeyIdentifier), certificateId: issued.certificate.id },
  });
  // Every instance re-reads the CA: a new one (approval, rollover) joins the OCSP issuer index, and one
  // renewed on its key keeps its id but has a new certificate (the in-memory /ca copy is dropped).
  await announceIn(tx, { kind: "ca", caId: input.caId });
  return issued;
}

const CA_SUBJECT_LOCK = 72_707_010;

/**
 * The CA is issued in the name the operator reviewed, and in a name no other active CA holds: the
 * request's subject was fixed at registration, and the organization's name may not have moved
 * since (only Signet's workflows change it, and none does once it was asked for).
 */
async function assertUniqueOrgCaSubject(tx: Tx, org: { id: string; name: string }, reviewed: string): Promise<string> {
  const subject = orgCaSubjectText(org.name);
  // Requests written before subjects were RFC 4514-escaped read "O=Acme, Inc, …": same name.
  if (subject.replaceAll("\\", "") !== reviewed.replaceAll("\\", "")) throw new AppError("conflict", `The organization is now named '${org.name}', not the name in this request ('${reviewed}'): nothing was issued`);
  // Issuances of one subject queue here, so the check below sees any that committed first (the
  // partial unique index on active CAs' subjects is the backstop).
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${CA_SUBJECT_LOCK}, hashtext($1))`, caSubjectKey(subject));
  const holder = await tx.certificateAuthority.findFirst({ where: { subjectKey: caSubjectKey(subject), status: "active" }, select: { orgId: true } });
  if (holder) throw new AppError("conflict", holder.orgId === org.id ? `The organization already has an active CA named '${subject}'` : `Another organization's active CA already has the subject '${subject}': nothing was issued`);
  return subject;
}

export async function approvePluginCert(tx: Tx, actor: Principal, request: RequestRow, now: Date, validityDays: number) {
  if (!request.pluginId) throw new AppError("conflict", "The request has no plugin id");
  // Before the key lookup: of concurrent approvals for one plugin id (distinct requests), the first
  // generates the hosted key and the others, waiting here, find its certificate and reuse the key.
  await lockPluginId(tx, request.orgId, request.pluginId);
  // A CA rolled over to a new key issues nothing new: new plugin certificates come from its successor.
  const orgCa = await tx.certificateAuthority.findFirst({ where: { orgId: request.orgId, kind: "org", status: "active", supersededAt: null }, orderBy: { createdAt: "desc" }, select: { id: true } });
  if (!orgCa) throw new AppError("conflict", "The organization has no active CA yet");
  const issuer = await loadIssuingCa(tx, orgCa.id, now);
  const org = await tx.organization.findUniqueOrThrow({ where: { id: request.orgId } });
  let keyId: string | undefined;
  let publicKeySpki: Uint8Array | undefined = request.publicKeySpki ?? undefined;
  if (request.keyMode === "hosted") {
    // Re-issuing keeps the plugin's key: Jami refuses an update whose plugin key changed. A renewal
    // keeps the key of the certificate it renews, unless it asked for a new one (newKey).
    const previous = request.newKey
      ? null
      : await tx.certificate.findFirst({
          where: request.renewsCertificateId
            ? { id: request.renewsCertificateId, keyId: { not: null } }
            : { orgId: org.id, pluginId: request.pluginId, kind: "plugin", keyId: { not: null }, status: "issued" },
          orderBy: { createdAt: "desc" },
          select: { keyId: true, publicKeySpki: true },
        });
    if (previous?.keyId && previous.publicKeySpki) {
      keyId = previous.keyId;
      publicKeySpki = previous.publicKeySpki;
    } else {
      const key = await createManagedKey(tx, request.keyAlgorithm as KeyAlgorithm, "plugin");
      await appendAuditEvent(tx, { actor, action: "key.created", subjectType: "key", subjectId: key.id, orgId: org.id, details: { algorithm: request.keyAlgorithm, purpose: "plugin", pluginId: request.pluginId, ...(request.newKey ? { rekey: true } : {}) } });
      keyId = key.id;
      publicKeySpki = key.publicKeySpki;
    }
  }
  if (!publicKeySpki || !request.pluginId) throw new AppError("conflict", "The request has no public key or plugin id");
  const notBefore = wholeSecond(now);
  const notAfter = addDays(notBefore, validityDays);
  const spki = publicKeySpki;
  const issued = await recordIssuance(tx, {
    actor,
    kind: "plugin",
    issuerCaId: issuer.id,
    orgId: org.id,
    pluginId: request.pluginId,
    subject: request.subject,
    notBefore,
    notAfter,
    keyId,
    publicKeySpki: spki,
    requestId: request.id,
    auditDetails: { pluginId: request.pluginId, keyMode: request.keyMode, ...(await renewalDetails(tx, request)) },
    sign: (serial) =>
      issuePluginCertificate({
        issuer: issuer.info,
        issuerSigner: issuer.signer,
        orgName: org.name,
        pluginId: request.pluginId!,
        subjectPublicKeySpki: spki,
        serial,
        notBefore,
        notAfter,
        urls: pkiUrlsFor(issuer.id),
      }),
  });
  const decided = await markDecided(tx, actor, request, "approved");
  await appendAuditEvent(tx, { actor, action: "request.approved", subjectType: "request", subjectId: request.id, orgId: org.id, details: { kind: "plugin_cert", pluginId: request.pluginId, serial: issued.certificate.serialHex } });
  return { request: decided, certificate: { serial: issued.certificate.serialHex, pem: toPem(issued.der, "CERTIFICATE") } };
}

export async function markDecided(tx: Tx, actor: Principal, request: RequestRow, status: "approved" | "rejected", reason?: string) {
  const updated = await tx.certificateRequest.update({
    where: { id: request.id },
    data: { status, decidedAt: new Date(), decidedById: actor.kind === "user" ? actor.userId : null, rejectionReason: reason ?? null },
    include: { org: { select: { slug: true } } },
  });
  await mailRequestDecided(tx, request, status, reason);
  const json = serializeRequest(updated);
  await enqueueWebhookEvent(tx, status === "approved" ? "request.approved" : "request.rejected", request.orgId, () => ({
    requestId: json.id,
    kind: json.kind,
    orgSlug: json.orgSlug,
    pluginId: json.pluginId ?? null,
    subject: json.subject,
    ...(reason ? { reason } : {}),
  }));
  return json;
}

