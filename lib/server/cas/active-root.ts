import { db } from "../../db";

/** The id of the root CA that verifiers trust today (undefined before setup): public, like /ca/{id}.pem. */
export async function activeRootCaId(): Promise<string | undefined> {
  const client = await db();
  const root = await client.certificateAuthority.findFirst({ where: { kind: "root", status: "active" }, orderBy: { createdAt: "desc" }, select: { id: true } });
  return root?.id;
}
