import { db } from "../../db";
import type { Principal } from "../auth/principal";
import { orgForMembers, publicRole } from "./member-access";

export async function listMembers(principal: Principal, slug: string) {
  const { org } = await orgForMembers(principal, slug, "read");
  const rows = await (await db()).member.findMany({
    where: { organizationId: org.id },
    orderBy: { createdAt: "asc" },
    select: { role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
  });
  return rows.map((m) => ({ userId: m.user.id, name: m.user.name, email: m.user.email, role: publicRole(m.role), joinedAt: m.createdAt.toISOString() }));
}
