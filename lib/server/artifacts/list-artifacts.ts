import { z } from "zod";
import type { Prisma } from "../../generated/prisma/client";
import { db } from "../../db";
import type { Principal } from "../auth/principal";
import { decodeCursor, keyset, pageParams, toPage } from "../http/keyset-page";
import { orgForArtifacts } from "./artifact-access";
import { artifactSelect, serializeArtifact } from "./serialize-artifact";

export const listArtifactsQuery = z.object({
  pluginId: z.string().max(128).optional(),
  status: z.enum(["active", "revoked"]).optional(),
  target: z.enum(["jami", "mattermost", "grafana", "dify", "mender"]).optional(),
  /** Free text: part of the plugin id or version, or the start of the SHA-256 or the signing certificate's serial. */
  q: z.string().trim().max(128).optional(),
  ...pageParams(500),
});

const CREATED_AT = { name: "createdAt", type: "date" } as const;

/** An organization's signed artifacts, newest first (members and operators), paged by cursor. */
export async function listArtifacts(actor: Principal, slug: string, raw: z.input<typeof listArtifactsQuery> = {}) {
  const q = listArtifactsQuery.parse(raw);
  const { org } = await orgForArtifacts(actor, slug, "read");
  const page = keyset(CREATED_AT, "desc", decodeCursor(q.cursor, "createdAt", "desc"));
  const text = q.q?.toLowerCase();
  const conditions: Prisma.ArtifactWhereInput[] = [
    { orgId: org.id },
    q.pluginId ? { pluginId: q.pluginId } : {},
    q.target ? { target: q.target } : {},
    q.status === "revoked" ? { revokedAt: { not: null } } : q.status === "active" ? { revokedAt: null } : {},
    text
      ? {
          OR: [
            { pluginId: { contains: text, mode: "insensitive" } },
            { version: { contains: text, mode: "insensitive" } },
            { sha256: { startsWith: text } },
            { certificate: { serialHex: { startsWith: text.replace(/:/g, "") } } },
          ],
        }
      : {},
    page.where,
  ];
  const rows = await (await db()).artifact.findMany({
    where: { AND: conditions.filter((c) => Object.keys(c).length > 0) },
    orderBy: page.orderBy,
    take: q.limit + 1,
    select: artifactSelect,
  });
  return toPage(rows, q.limit, "createdAt", "desc", (r) => r.createdAt, (r) => serializeArtifact(r, { withFiles: false }));
}
