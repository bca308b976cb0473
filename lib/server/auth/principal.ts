// Who is acting. Every lib/server function takes one and scopes its queries by it.
import { AppError } from "../errors";
export type Membership = { orgId: string; slug: string; role: "owner" | "admin" | "member" };

export type Principal =
  | { kind: "anonymous" }
  | { kind: "system"; label: string }
  | {
      kind: "user";
      userId: string;
      email: string;
      isOperator: boolean;
      memberships: Membership[];
      via: "session" | "token";
      /**
       * Session: it was created by a TOTP / recovery-code / passkey sign-in. Token: its owner has a
       * second factor enrolled now. Absent = no (lib/server/auth/require-second-factor.ts).
       */
      secondFactor?: boolean;
    };

export type UserPrincipal = Extract<Principal, { kind: "user" }>;

export const ANONYMOUS: Principal = { kind: "anonymous" };
export const systemPrincipal = (label: string): Principal => ({ kind: "system", label });

export function actorOf(p: Principal): { actorId: string | null; actorLabel: string } {
  if (p.kind === "user") return { actorId: p.userId, actorLabel: p.email };
  if (p.kind === "system") return { actorId: null, actorLabel: `system:${p.label}` };
  return { actorId: null, actorLabel: "anonymous" };
}

export function isOperator(p: Principal): boolean {
  return p.kind === "user" && p.isOperator;
}

export function membershipIn(p: Principal, orgId: string): Membership | undefined {
  return p.kind === "user" ? p.memberships.find((m) => m.orgId === orgId) : undefined;
}

export function isOrgAdmin(p: Principal, orgId: string): boolean {
  const m = membershipIn(p, orgId);
  return m?.role === "owner" || m?.role === "admin";
}

/** Anything that needs an identity: a signed-in user or a token, else 401. */
export function requireUser(actor: Principal): UserPrincipal {
  if (actor.kind !== "user") throw new AppError("unauthenticated", "Sign in or send an API token");
  return actor;
}
