// Suspending an organization (operators): one audited transaction revokes everything it holds —
// its CA certificates, the plugin certificates Signet issued under them, its signed artifacts, its
// members' API tokens — rejects its pending requests, and marks it suspended, after which it can
// neither request nor sign. The console shows the impact (these counts) first, and the call must
// carry the counts it showed: if they changed since, nothing happens and the new ones are shown.
import { z } from "zod";
import { db, type Db, type Tx } from "../../db";
import { encodeCrlEntry } from "../../pki/crl/encode-crl";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { Principal } from "../auth/principal";
import { requireOperatorFor } from "../auth/require-operator";
import { requireSecondFactor } from "../auth/require-second-factor";
import { toBytes } from "../db/bytes";
import { AppError } from "../errors";
import { forgetOcspResponse } from "../revocation/ocsp-cache";
import { publishCrl } from "../revocation/publish-crl";
import { kickWebhookDeliveries } from "../webhooks/deliver-webhooks";
import { enqueueWebhookEvent } from "../webhooks/enqueue-webhook-event";

export type SuspensionImpact = {
  /** Organization CA certificates still valid (current and rolled-over ones). */
  caCertificates: number;
  /** Plugin certificates Signet issued and can revoke (under CAs whose key Signet holds). */
  pluginCertificates: number;
  /** Plugin certificates the organization issued with its own CA key: revoking its CA invalidates them. */
  pluginCertificatesBelowExternalCa: number;
  artifacts: number;
  /** API tokens of members who belong to no other organization and are not operators. */
  tokens: number;
  pendingRequests: number;
};

export const suspendInput = z
  .object({
    reason: z.string().trim().min(3, "Say why the organization is suspended").max(500),
    /** The impact the operator was shown and confirmed. */
    impact: z.object({
      caCertificates: z.number().int().min(0),
      pluginCertificates: z.number().int().min(0),
      pluginCertificatesBelowExternalCa: z.number().int().min(0),
      artifacts: z.number().int().min(0),
      tokens: z.number().int().min(0),
      pendingRequests: z.number().int().min(0),
    }),
  })
  .strict();

async function findOrg(actor: Principal, slug: string) {
  requireOperatorFor(actor, "suspend organizations");
  const org = await (await db()).organization.findUnique({ where: { slug }, select: { id: true, slug: true, name: true, status: true } });
  if (!org) throw new AppError("not_found", "Organization not found");
  return org;
}

/** The members whose tokens go: not operators, members of this organization only. */
async function tokenOwners(client: Db | Tx, orgId: string): Promise<string[]> {
  const members = await client.member.findMany({ where: { organizationId: orgId }, select: { userId: true, user: { select: { role: true, members: { select: { organizationId: true } } } } } });
  return members.filter((m) => m.user.role !== "operator" && m.user.members.every((o) => o.organizationId === orgId)).map((m) => m.userId);
}

async function countImpact(client: Db | Tx, orgId: string): Promise<SuspensionImpact> {
  const owners = await tokenOwners(client, orgId);
  const [caCertificates, pluginCertificates, pluginCertificatesBelowExternalCa, artifacts, tokens, pendingRequests] = await Promise.all([
    client.certificate.count({ where: { orgId, kind: "org_ca", status: "issued" } }),
    client.certificate.count({ where: { orgId, kind: "plugin", status: "issued", issuerCa: { keyId: { not: null } } } }),
    client.certificate.count({ where: { orgId, kind: "plugin", status: "issued", issuerCa: { keyId: null } } }),
    client.artifact.count({ where: { orgId, revokedAt: null } }),
    client.apikey.count({ where: { referenceId: { in: owners }, enabled: { not: false } } }),
    client.certificateRequest.count({ where: { orgId, status: "pending" } }),
  ]);
  return { caCertificates, pluginCertificates, pluginCertificatesBelowExternalCa, artifacts, tokens, pendingRequests };
}

export async function getSuspensionImpact(actor: Principal, slug: string): Promise<SuspensionImpact & { status: string }> {
  const org = await findOrg(actor, slug);
  return { status: org.status, ...(await countImpact(await db(), org.id)) };
}

const SUSPENSION_REASON = "privilegeWithdrawn" as const;

export async function suspendOrg(actor: Principal, slug: string, raw: z.input<typeof suspendInput>, now = new Date()) {
  const input = suspendInput.parse(raw);
  const org = await findOrg(actor, slug);
  const client = await db();
  await requireSecondFactor(client, actor, "suspend organizations");
  const at = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const revokedById = actor.kind === "user" ? actor.userId : null;
  const result = await client.$transaction(
    async (tx) => {
      const locked = await tx.$queryRawUnsafe<{ status: string }[]>(`SELECT status::text AS status FROM organization WHERE id = $1 FOR UPDATE`, org.id);
      if (locked[0]?.status === "suspended") throw new AppError("conflict", "The organization is already suspended");
      // Before counting: a revocation of one of them (which locks its row) commits first or waits.
      await tx.$queryRawUnsafe(`SELECT id FROM certificate WHERE "orgId" = $1 AND status = 'issued' ORDER BY id FOR UPDATE`, org.id);
      const impact = await countImpact(tx, org.id);
      if (JSON.stringify(impact) !== JSON.stringify(input.impact)) throw new AppError("conflict", "The impact changed since it was shown: review it again", { impact });
      const certs = await tx.certificate.findMany({
        where: { orgId: org.id, status: "issued", OR: [{ kind: "org_ca" }, { kind: "plugin", issuerCa: { keyId: { not: null } } }] },
        select: { id: true, serialHex: true, kind: true, issuerCaId: true },
      });
      await tx.revocation.createMany({
        data: certs.map((c) => ({
          certificateId: c.id,
          issuerCaId: c.issuerCaId!,
          serialHex: c.serialHex,
          reason: SUSPENSION_REASON,
          revokedAt: at,
          revokedById,
          crlEntry: toBytes(encodeCrlEntry({ serial: c.serialHex, revocationDate: at, reason: SUSPENSION_REASON })),
        })),
      });
      await tx.certificate.updateMany({ where: { id: { in: certs.map((c) => c.id) } }, data: { status: "revoked" } });
      await tx.certificateAuthority.updateMany({ where: { orgId: org.id, kind: "org", status: "active" }, data: { status: "revoked" } });
      await tx.artifact.updateMany({ where: { orgId: org.id, revokedAt: null }, data: { revokedAt: at, revocationReason: `Organization suspended: ${input.reason}`, revokedById } });
      await tx.apikey.updateMany({ where: { referenceId: { in: await tokenOwners(tx, org.id) }, enabled: { not: false } }, data: { enabled: false } });
      await tx.certificateRequest.updateMany({ where: { orgId: org.id, status: "pending" }, data: { status: "rejected", decidedAt: at, decidedById: revokedById, rejectionReason: `Organization suspended: ${input.reason}` } });
      await tx.organization.update({ where: { id: org.id }, data: { status: "suspended", suspendedAt: at, suspensionReason: input.reason } });
      await appendAuditEvent(tx, { actor, action: "org.suspended", subjectType: "org", subjectId: org.id, orgId: org.id, details: { reason: input.reason, ...impact, serials: certs.slice(0, 1000).map((c) => c.serialHex) } });
      await enqueueWebhookEvent(tx, "org.suspended", org.id, () => ({ orgSlug: org.slug, orgName: org.name, reason: input.reason, suspendedAt: at.toISOString(), revoked: impact }));
      return { certs, impact };
    },
    { timeout: 120_000, maxWait: 60_000 },
  );
  kickWebhookDeliveries();
  // CRLs and OCSP: each issuer's CRL is re-issued now (the background refresh retries a failure).
  for (const caId of new Set(result.certs.map((c) => c.issuerCaId!))) {
    await publishCrl(caId).catch((err) => console.error("[signet] CRL re-issue after suspension failed:", err instanceof Error ? err.message : err));
  }
  for (const c of result.certs) await forgetOcspResponse(c.issuerCaId!, c.serialHex).catch(() => {});
  return { org: { slug: org.slug, status: "suspended" as const, suspendedAt: at.toISOString(), suspensionReason: input.reason }, revoked: result.impact };
}
