// Turns a request's credentials into a Principal: an API token (`Authorization: Bearer`) or the
// console's session cookie. A bad token is an error, never a silent fall-back to anonymous. A credential
// that cannot be checked because the database is out of reach is not an invalid one: that throws
// DatabaseUnavailableError (503), never "invalid token" or "signed out".
import type { Db } from "../../db";
import { db } from "../../db";
import { AppError } from "../errors";
import { nullUnlessUnavailable } from "../db/unavailable";
import { checkedByLibrary } from "./library-outage";
import { auth, OPERATOR_ROLE } from "./auth";
import { ANONYMOUS, type Membership, type Principal } from "./principal";

/**
 * `sessionFactor`: the second factor the session was created with (null = password only). A token has
 * none of its own: it counts as second-factored while its owner has TOTP or a passkey enrolled, since
 * creating one under the policy already needed a second-factor session (docs/api.md, SECURITY.md).
 */
export async function principalForUser(client: Db, userId: string, via: "session" | "token", sessionFactor?: string | null): Promise<Principal> {
  const user = await client.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      role: true,
      banned: true,
      twoFactorEnabled: true,
      _count: { select: { passkeys: true } },
      members: { select: { organizationId: true, role: true, organization: { select: { slug: true } } } },
    },
  });
  if (!user || user.banned) return ANONYMOUS;
  const memberships: Membership[] = user.members.map((m) => ({
    orgId: m.organizationId,
    slug: m.organization.slug,
    role: m.role === "owner" || m.role === "admin" ? (m.role as "owner" | "admin") : "member",
  }));
  const enrolled = user.twoFactorEnabled === true || user._count.passkeys > 0;
  const secondFactor = via === "token" ? enrolled : Boolean(sessionFactor) && enrolled;
  return { kind: "user", userId: user.id, email: user.email, isOperator: user.role === OPERATOR_ROLE, memberships, via, secondFactor };
}

export async function resolvePrincipal(headers: Headers): Promise<Principal> {
  const client = await db();
  const a = await auth();
  const authorization = headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new AppError("unauthenticated", "Authorization must be 'Bearer <API token>'");
    const result = await checkedByLibrary(() => a.api.verifyApiKey({ body: { key: match[1] } })).catch(nullUnlessUnavailable);
    const userId = result?.valid ? result.key?.referenceId : undefined;
    if (!userId) throw new AppError("unauthenticated", "The API token is invalid, expired or revoked");
    return principalForUser(client, userId, "token");
  }
  if (!headers.get("cookie")) return ANONYMOUS;
  const session = await checkedByLibrary(() => a.api.getSession({ headers })).catch(nullUnlessUnavailable);
  if (!session?.user) return ANONYMOUS;
  return principalForUser(client, session.user.id, "session", (session.session as { secondFactor?: string | null }).secondFactor ?? null);
}
