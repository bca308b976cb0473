// Who may see and act on artifacts: members of the owning organization and store operators.
// Another organization's artifact is "not found", never "forbidden" (no existence oracle).
import type { Prisma } from "../../generated/prisma/client";
import { db } from "../../db";
import { isOperator, isOrgAdmin, membershipIn, type Principal, type UserPrincipal } from "../auth/principal";
import { AppError } from "../errors";
import { requireUser } from "../auth/principal";
import { artifactSelect } from "./serialize-artifact";

export function artifactScope(user: UserPrincipal): Prisma.ArtifactWhereInput {
  return isOperator(user) ? {} : { orgId: { in: user.memberships.map((m) => m.orgId) } };
}

export async function orgForArtifacts(actor: Principal, slug: string, need: "read" | "upload") {
  const user = requireUser(actor);
  const org = await (await db()).organization.findUnique({ where: { slug }, select: { id: true, slug: true, name: true, status: true } });
  const member = org ? membershipIn(user, org.id) : undefined;
  if (!org || !(member || isOperator(user))) throw new AppError("not_found", "Organization not found");
  if (need === "upload" && !member) throw new AppError("forbidden", "Only members of the organization upload its plugin archives");
  return { user, org };
}

export async function findVisibleArtifact(actor: Principal, id: string) {
  const user = requireUser(actor);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new AppError("not_found", "Artifact not found");
  const row = await (await db()).artifact.findFirst({ where: { id, ...artifactScope(user) }, select: artifactSelect });
  if (!row) throw new AppError("not_found", "Artifact not found");
  return { user, row };
}

export function canRevokeArtifact(user: UserPrincipal, orgId: string): boolean {
  return isOperator(user) || isOrgAdmin(user, orgId);
}
