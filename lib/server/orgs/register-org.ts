// Self-registration of an organization: its admin account, the pending organization, and the
// org-CA request the operators will review, and the mail that verifies its contact address — one transaction; then, unless the caller declined, an
// expiring org-admin API token (the console's form declines: it signs in instead).
import crypto from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import { z } from "zod";
import { db } from "../../db";
import { appendAuditEvent } from "../audit/append-audit-event";
import { MIN_PASSWORD_LENGTH } from "../auth/auth";
import type { Principal } from "../auth/principal";
import { AppError } from "../errors";
import { orgCaSubjectText } from "../cas/ca-subject";
import { PROFILES } from "../../pki/certificate/profiles";
import { csrSummary, parseCsrField } from "../requests/csr-input";
import { createApiToken, tokenLifetimeSchema } from "../tokens/create-api-token";
import { kickWebhookDeliveries } from "../webhooks/deliver-webhooks";
import { enqueueWebhookEvent } from "../webhooks/enqueue-webhook-event";
import { kickMailDelivery } from "../mail/deliver-mail";
import { queueContactVerification } from "./contact-verification";
import { nameKey as orgNameKey } from "./name-key";
import { orgNameSchema, pluginIdPrefixSchema, prefixesOverlap, slugSchema } from "./naming";

/** A conflict that names its field as zod's issues do (`errors: [{path, message}]`), so a form shows it under that field. */
function conflictOn(path: string, message: string): AppError {
  return new AppError("conflict", message, { errors: [{ path, message }] });
}

export const registerOrgInput = z.object({
  name: orgNameSchema,
  slug: slugSchema,
  pluginIdPrefix: pluginIdPrefixSchema,
  contactEmail: z.string().trim().toLowerCase().email().max(254).optional(),
  admin: z.object({
    email: z.string().trim().toLowerCase().email().max(254),
    password: z.string().min(MIN_PASSWORD_LENGTH, `The password needs at least ${MIN_PASSWORD_LENGTH} characters`).max(256),
    name: z.string().trim().min(1).max(100).optional(),
  }),
  csrPem: z.string().max(70_000).optional(),
  // An org-admin API token for a client that registers by API and goes on by API (API.md's
  // `{org, request, token}`). It expires like every token; `false` declines it — the console's
  // form does, since it signs in instead and would never show the token to anyone.
  token: z
    .union([z.boolean(), z.object({ name: z.string().trim().min(1).max(64).optional(), expiresInDays: tokenLifetimeSchema.optional() }).strict()])
    .default(true),
});

export const REGISTRATION_LOCK = 72_707_004;

export async function registerOrg(raw: z.input<typeof registerOrgInput>) {
  const input = registerOrgInput.parse(raw);
  const csr = input.csrPem ? parseCsrField(input.csrPem, PROFILES.orgCa) : undefined;
  const client = await db();
  const passwordHash = await hashPassword(input.admin.password);
  const nameKey = orgNameKey(input.name);
  const created = await client.$transaction(
    async (tx) => {
      // Serializes registrations so prefix-overlap checks cannot race.
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${REGISTRATION_LOCK})`);
      const nameTaken = await tx.organization.findFirst({ where: { nameKey, status: { not: "rejected" } }, select: { id: true } });
      if (nameTaken) throw conflictOn("name", `The name '${input.name}' is taken by another organization (names are compared ignoring case, width, spacing and look-alike letters)`);
      if (await tx.organization.findUnique({ where: { slug: input.slug }, select: { id: true } })) {
        throw conflictOn("slug", `The slug '${input.slug}' is taken`);
      }
      if (await tx.user.findUnique({ where: { email: input.admin.email }, select: { id: true } })) {
        throw conflictOn("admin.email", "An account with this email already exists; sign in and ask an operator to add the organization");
      }
      const others = await tx.organization.findMany({ where: { status: { in: ["pending", "approved"] } }, select: { pluginIdPrefix: true, slug: true } });
      const clash = others.find((o) => o.pluginIdPrefix && prefixesOverlap(o.pluginIdPrefix, input.pluginIdPrefix));
      if (clash) throw conflictOn("pluginIdPrefix", `The plugin id prefix '${input.pluginIdPrefix}' overlaps one already held by another organization`);

      const userId = crypto.randomUUID();
      const orgId = crypto.randomUUID();
      await tx.user.create({ data: { id: userId, email: input.admin.email, name: input.admin.name ?? input.admin.email } });
      await tx.account.create({ data: { id: crypto.randomUUID(), accountId: userId, providerId: "credential", userId, password: passwordHash } });
      await tx.organization.create({
        data: { id: orgId, name: input.name, nameKey, slug: input.slug, pluginIdPrefix: input.pluginIdPrefix, contactEmail: input.contactEmail ?? input.admin.email, status: "pending" },
      });
      await tx.member.create({ data: { id: crypto.randomUUID(), organizationId: orgId, userId, role: "owner" } });
      const request = await tx.certificateRequest.create({
        data: {
          kind: "org_ca",
          orgId,
          keyMode: csr ? "external" : "hosted",
          subject: orgCaSubjectText(input.name),
          keyAlgorithm: csr?.keyAlgorithm ?? "ecdsa-p256",
          ...(csr ? csrSummary(csr) : {}),
          requestedById: userId,
        },
        select: { id: true, status: true },
      });
      const admin: Principal = { kind: "user", userId, email: input.admin.email, isOperator: false, memberships: [{ orgId, slug: input.slug, role: "owner" }], via: "session" };
      await appendAuditEvent(tx, {
        actor: admin,
        action: "org.registered",
        subjectType: "org",
        subjectId: orgId,
        orgId,
        details: { name: input.name, slug: input.slug, pluginIdPrefix: input.pluginIdPrefix, requestId: request.id, keyMode: csr ? "external" : "hosted" },
      });
      await queueContactVerification(tx, { id: orgId, name: input.name, contactEmail: input.contactEmail ?? input.admin.email });
      await enqueueWebhookEvent(tx, "org.registered", orgId, () => ({ orgSlug: input.slug, orgName: input.name, pluginIdPrefix: input.pluginIdPrefix, requestId: request.id }));
      await enqueueWebhookEvent(tx, "request.pending", orgId, () => ({ requestId: request.id, kind: "org-ca", orgSlug: input.slug, orgName: input.name, subject: orgCaSubjectText(input.name), keyMode: csr ? "external" : "hosted" }));
      return { orgId, request, admin };
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
  kickWebhookDeliveries();
  kickMailDelivery();
  const org = { id: created.orgId, slug: input.slug, status: "pending" as const };
  if (!input.token) return { org, request: { id: created.request.id } };
  const asked = input.token === true ? {} : input.token;
  const token = await createApiToken(created.admin, { name: asked.name ?? `${input.slug} admin`, expiresInDays: asked.expiresInDays });
  return { org, request: { id: created.request.id }, token: token.token, tokenExpiresAt: token.expiresAt };
}
