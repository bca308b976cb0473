// What revoking a certificate takes down with it (PRODUCT.md: "Revoking shows what it affects"):
// the plugin certificates still valid below an organization CA, and the signed artifacts.
import { db, type Db, type Tx } from "../../db";
import type { Principal } from "../auth/principal";
import { findVisibleCertificate } from "./get-certificate";

export type RevocationImpact = { certificatesBelow: number; artifacts: number };

export async function countRevocationImpact(client: Db | Tx, cert: { id: string; kind: string }): Promise<RevocationImpact> {
  let certificatesBelow = 0;
  if (cert.kind === "org_ca") {
    const ca = await client.certificateAuthority.findUnique({ where: { certificateId: cert.id }, select: { id: true } });
    if (ca) certificatesBelow = await client.certificate.count({ where: { issuerCaId: ca.id, status: "issued", kind: "plugin" } });
  }
  const artifacts = await client.artifact.count({
    where: cert.kind === "plugin" ? { certificateId: cert.id } : { certificate: { issuerCa: { certificateId: cert.id } } },
  });
  return { certificatesBelow, artifacts };
}

/** The preview the console shows before the revoke button does anything. */
export async function getRevocationImpact(actor: Principal, serialHex: string): Promise<RevocationImpact> {
  const cert = await findVisibleCertificate(actor, serialHex);
  return countRevocationImpact(await db(), cert);
}
