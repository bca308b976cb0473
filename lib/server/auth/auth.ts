// Identity is better-auth's: email + password, sessions, organizations and roles, two-factor,
// passkeys and API tokens (hashed at rest). Signet never hashes a password or mints a session itself.
import { sharedAuthRateLimitStorage } from "../http/rate-limit";
import crypto from "node:crypto";
import { betterAuth } from "better-auth";
import { createAuthMiddleware, isAPIError } from "better-auth/api";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { logLibraryMessage } from "./library-outage";
import { admin, bearer, organization, twoFactor } from "better-auth/plugins";
import { apiKey } from "@better-auth/api-key";
import { passkey } from "@better-auth/passkey";
import { nextCookies } from "better-auth/next-js";
import { APIError } from "better-auth/api";
import { createAccessControl } from "better-auth/plugins/access";
import { adminAc, defaultStatements, userAc } from "better-auth/plugins/admin/access";
import { db, type Db } from "../../db";
import { env } from "../../env";
import { masterKey } from "../keys/master-key";
import { DISABLED_AUTH_PATHS } from "./auth-routes";
import { recordDenial } from "../audit/record-denial";
import { appendAuditEvent } from "../audit/append-audit-event";
import { ANONYMOUS } from "./principal";

export const OPERATOR_ROLE = "operator";

const SESSION_FACTOR_BY_PATH: Record<string, string> = {
  "/two-factor/verify-totp": "totp",
  "/two-factor/verify-backup-code": "totp",
  "/passkey/verify-authentication": "passkey",
};
// Enrolment changes a person makes to their own account, audited once better-auth accepted them.
const FACTOR_AUDIT: Record<string, string> = {
  "/two-factor/disable": "auth.totp_disabled",
  "/passkey/verify-registration": "auth.passkey_added",
};
export const MIN_PASSWORD_LENGTH = 10;
export const SESSION_MAX_AGE_SECONDS = 60 * 60 * 12;

// Store operators hold better-auth's admin permissions; everyone else is a plain user whose rights
// come from organization membership.
const accessControl = createAccessControl(defaultStatements);
const roles = {
  [OPERATOR_ROLE]: accessControl.newRole({ ...adminAc.statements }),
  user: accessControl.newRole({ ...userAc.statements }),
};

function authSecret(): string {
  // Instances that share the master key share the session secret, so any instance accepts any session.
  return env().authSecret ?? crypto.createHmac("sha256", masterKey()).update("signet/better-auth-secret").digest("base64url");
}

function createAuth(client: Db) {
  const { publicUrl } = env();
  return betterAuth({
    appName: "Signet",
    baseURL: publicUrl,
    basePath: "/api/auth",
    secret: authSecret(),
    trustedOrigins: [publicUrl],
    database: prismaAdapter(client, { provider: "postgresql" }),
    // A database outage it meets is reported to the caller as one (./library-outage.ts).
    logger: { log: logLibraryMessage },
    // Accounts are made only by Signet's workflows (setup, organization registration), which write
    // the user and its credential in their own transaction; open sign-up would make members of no one.
    // Password reset: Signet's routes call the library in-process (lib/server/auth/password-reset.ts),
    // which mails the link; a new password ends every session of the account.
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      autoSignIn: true,
      resetPasswordTokenExpiresIn: 3600,
      revokeSessionsOnPasswordReset: true,
      sendResetPassword: async (data) => (await import("./password-reset")).sendResetPasswordMail(data),
    },
    // Second lock behind the HTTP allow-list in ./auth-routes.ts (which answers 404 first).
    disabledPaths: [...DISABLED_AUTH_PATHS],
    session: {
      expiresIn: SESSION_MAX_AGE_SECONDS,
      updateAge: 60 * 60,
      additionalFields: { secondFactor: { type: "string", required: false, input: false } },
    },
    // A session remembers the second factor it was created with, from the route that minted it; every
    // other route (password sign-in, TOTP disable, setup, registration) makes a password-only session.
    // The store policy (lib/server/auth/require-second-factor.ts) reads it.
    databaseHooks: {
      session: {
        create: {
          before: async (session, ctx) => ({ data: { ...session, secondFactor: SESSION_FACTOR_BY_PATH[ctx?.path ?? ""] ?? null } }),
        },
      },
    },
    user: { additionalFields: {} },
    // better-auth's default for sign-in is 3 per 10 s per address, which a person who mistypes once
    // and then registers trips; 20 a minute per address still makes password guessing hopeless.
    rateLimit: {
      enabled: env().nodeEnv === "production",
      window: 60,
      max: 100,
      // Counted in PostgreSQL, so every instance behind the load balancer shares one budget per address.
      customStorage: sharedAuthRateLimitStorage,
      // Second-factor codes: 10 a minute per address (the library's 3 per 10 s is 18 a minute, yet
      // refuses a person who mistypes twice and then enters the right code).
      customRules: {
        "/sign-in/email": { window: 60, max: env().signInPerMinute },
        "/sign-up/email": { window: 60, max: 10 },
        "/two-factor/verify-totp": { window: 60, max: 10 },
        "/two-factor/verify-backup-code": { window: 60, max: 10 },
      },
    },
    // A refused sign-in (wrong password, unknown account, failed second factor) leaves an audit event; the
    // hook runs after the endpoint answered, so the refusal itself is unchanged.
    hooks: {
      after: createAuthMiddleware(async (ctx) => {
        const factorAction = FACTOR_AUDIT[ctx.path] ?? (ctx.path === "/two-factor/verify-totp" && ctx.context.session ? "auth.totp_enabled" : undefined);
        if (factorAction && !isAPIError(ctx.context.returned)) {
          const user = ctx.context.session?.user;
          if (user) await auditFactorChange(user.id, user.email, factorAction);
          return;
        }
        if (!ctx.path.startsWith("/sign-in/") && !ctx.path.startsWith("/two-factor/verify")) return;
        const returned = ctx.context.returned;
        if (!isAPIError(returned)) return;
        const email = typeof ctx.body?.email === "string" ? ctx.body.email.trim().toLowerCase().slice(0, 254) : undefined;
        await recordDenial({
          actor: ANONYMOUS,
          action: "auth.sign_in_refused",
          subjectType: "user",
          outcome: "denied",
          details: { path: ctx.path, ...(email ? { email } : {}), status: returned.statusCode, code: String(returned.body?.code ?? returned.status).slice(0, 64) },
        });
      }),
    },
    plugins: [
      organization({
        allowUserToCreateOrganization: false,
        // An organization holds CAs, certificates and audit history: it is suspended, never deleted.
        disableOrganizationDeletion: true,
        organizationHooks: {
          // An organization's name is the O= of its CA and every certificate below it, and its slug
          // is its address: both change only through Signet's workflows, never the library's update.
          beforeUpdateOrganization: async ({ organization: change }) => {
            if (change.name !== undefined || change.slug !== undefined) {
              throw new APIError("FORBIDDEN", { message: "An organization's name and slug change only through Signet's own requests" });
            }
          },
        },
      }),
      admin({ ac: accessControl, roles, adminRoles: [OPERATOR_ROLE], defaultRole: "user" }),
      twoFactor({ issuer: "Signet" }),
      bearer(),
      // Tokens are for CI pipelines: Signet's own rate limits apply, not a per-key daily quota.
      // Names are capped by our own schema (64 characters); better-auth counts UTF-16 units, so allow 128.
      // Expiry by default even for a key made without one (Signet's workflows always pass one).
      apiKey({ defaultPrefix: "sgt_", rateLimit: { enabled: false }, maximumNameLength: 128, keyExpiration: { defaultExpiresIn: 90 * 86_400, maxExpiresIn: 365 } }),
      passkey({ rpName: "Signet", rpID: new URL(publicUrl).hostname, origin: publicUrl }),
      nextCookies(),
    ],
  });
}

async function auditFactorChange(userId: string, email: string, action: string): Promise<void> {
  const client = await db();
  await client.$transaction((tx) =>
    appendAuditEvent(tx, { actor: { kind: "user", userId, email, isOperator: false, memberships: [], via: "session" }, action, subjectType: "user", subjectId: userId }),
  );
}

export type Auth = ReturnType<typeof createAuth>;

const holder = ((globalThis as { __signetAuth?: { ready?: Promise<Auth> } }).__signetAuth ??= {});

export function auth(): Promise<Auth> {
  holder.ready ??= db().then(createAuth);
  return holder.ready;
}
