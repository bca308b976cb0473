// First run: the first operator and the Root CA, in one transaction; refused once done.
import crypto from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import { z } from "zod";
import { db } from "../../db";
import { KEY_ALGORITHMS } from "../../pki/signer";
import { appendAuditEvent } from "../audit/append-audit-event";
import { MIN_PASSWORD_LENGTH, OPERATOR_ROLE } from "../auth/auth";
import { systemPrincipal, type Principal } from "../auth/principal";
import { createRootCa } from "../cas/create-root-ca";
import { AppError } from "../errors";
import { createApiToken } from "../tokens/create-api-token";
import { clearSetupToken } from "./setup-token";
import { rethrowIfUnavailable } from "../db/unavailable";

export const ROOT_ALGORITHMS = ["ecdsa-p256", "ecdsa-p384", "rsa-3072", "rsa-4096"] as const satisfies readonly (typeof KEY_ALGORITHMS)[number][];

export const initializeInput = z.object({
  adminEmail: z.string().trim().toLowerCase().email().max(254),
  adminPassword: z.string().min(MIN_PASSWORD_LENGTH, `The password needs at least ${MIN_PASSWORD_LENGTH} characters`).max(256),
  adminName: z.string().trim().min(1).max(100).optional(),
  rootCommonName: z.string().trim().min(1).max(64).regex(/^[^\p{Cc}]+$/u, "no control characters").default("Signet Root CA"),
  rootAlgorithm: z.enum(ROOT_ALGORITHMS).default("ecdsa-p256"),
});
export type InitializeInput = z.input<typeof initializeInput>;

const INIT_LOCK = 72_707_003;

/** Every public page asks this first: an outage here is shown as one (app/error.tsx), not as a generic error. */
export async function isInitialized(): Promise<boolean> {
  const client = await db().catch(rethrowIfUnavailable);
  const root = await client.certificateAuthority.findFirst({ where: { kind: "root" }, select: { id: true } }).catch(rethrowIfUnavailable);
  return root !== null;
}

export async function initializeSignet(raw: InitializeInput, now = new Date()) {
  const input = initializeInput.parse(raw);
  const client = await db();
  const passwordHash = await hashPassword(input.adminPassword);
  const result = await client.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${INIT_LOCK})`);
      const existing = await tx.certificateAuthority.findFirst({ where: { kind: "root" }, select: { id: true } });
      if (existing) throw new AppError("already_initialized", "Signet is already initialized: a Root CA exists. Nothing was changed.");
      const userId = crypto.randomUUID();
      await tx.user.create({
        data: { id: userId, email: input.adminEmail, name: input.adminName ?? input.adminEmail, role: OPERATOR_ROLE, emailVerified: true },
      });
      await tx.account.create({
        data: { id: crypto.randomUUID(), accountId: userId, providerId: "credential", userId, password: passwordHash },
      });
      const operator: Principal = { kind: "user", userId, email: input.adminEmail, isOperator: true, memberships: [], via: "session" };
      await appendAuditEvent(tx, {
        actor: systemPrincipal("setup"),
        action: "setup.operator_created",
        subjectType: "user",
        subjectId: userId,
        details: { email: input.adminEmail },
      });
      const root = await createRootCa(tx, { actor: operator, commonName: input.rootCommonName, algorithm: input.rootAlgorithm, now });
      await appendAuditEvent(tx, {
        actor: operator,
        action: "setup.initialized",
        subjectType: "ca",
        subjectId: root.caId,
        details: { rootAlgorithm: input.rootAlgorithm, rootSerial: root.serialHex },
      });
      return { rootCaId: root.caId, operator };
    },
    { timeout: 60_000, maxWait: 60_000 },
  );
  await clearSetupToken();
  const token = await createApiToken(result.operator, { name: "initial operator token" });
  return { rootCaId: result.rootCaId, operatorUserId: result.operator.kind === "user" ? result.operator.userId : "", operatorToken: token.token };
}
