import { z } from "zod";
import { db } from "../../db";
import type { Principal } from "../auth/principal";
import { orgForArtifacts } from "./artifact-access";
import { artifactSelect, serializeArtifact } from "./serialize-artifact";

export const listArtifactsQuery = z.object({
  pluginId: z.string().max(128).optional(),
  status: z.enum(["active", "revoked"]).optional(),
});

/** An organization's signed artifacts, newest first (members and operators). */
export async function listArtifacts(actor: Principal, slug: string, raw: z.input<typeof listArtifactsQuery> = {}) {
  const q = listArtifactsQuery.parse(raw);
  const { org } = await orgForArtifacts(actor, slug, "read");
  const rows = await (await db()).artifact.findMany({
    where: {
      orgId: org.id,
      ...(q.pluginId ? { pluginId: q.pluginId } : {}),
      ...(q.status === "revoked" ? { revokedAt: { not: null } } : q.status === "active" ? { revokedAt: null } : {}),
    },
    orderBy: { createdAt: "desc" },
    take: 500,
    select: artifactSelect,
  });
  return rows.map((r) => serializeArtifact(r, { withFiles: false }));
}
