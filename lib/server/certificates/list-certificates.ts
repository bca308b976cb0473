import { z } from "zod";
import type { Prisma } from "../../generated/prisma/client";
import { db, type Db } from "../../db";
import { isOperator, type Principal, type UserPrincipal } from "../auth/principal";
import { AppError } from "../errors";
import { serializeCertificate } from "./serialize-certificate";

export const listCertificatesQuery = z.object({
  org: z.string().max(64).optional(),
  kind: z.enum(["root-ca", "org-ca", "plugin", "ocsp-responder"]).optional(),
  status: z.enum(["issued", "revoked", "expired"]).optional(),
  pluginId: z.string().max(128).optional(),
});

const KIND_DB = { "root-ca": "root_ca", "org-ca": "org_ca", plugin: "plugin", "ocsp-responder": "ocsp_responder" } as const;

export function requireUserPrincipal(actor: Principal): UserPrincipal {
  if (actor.kind !== "user") throw new AppError("unauthenticated", "Sign in or send an API token");
  return actor;
}

/** Rows the actor may see: operators everything; members their organizations' certificates. */
export function certificateScope(actor: UserPrincipal): Prisma.CertificateWhereInput {
  return isOperator(actor) ? {} : { orgId: { in: actor.memberships.map((m) => m.orgId) } };
}

export async function listCertificates(actor: Principal, raw: z.input<typeof listCertificatesQuery>, now = new Date()) {
  const user = requireUserPrincipal(actor);
  const q = listCertificatesQuery.parse(raw);
  const where: Prisma.CertificateWhereInput = {
    ...certificateScope(user),
    status: { in: ["issued", "revoked"] },
    ...(q.org ? { org: { slug: q.org } } : {}),
    ...(q.kind ? { kind: KIND_DB[q.kind] } : {}),
    ...(q.pluginId ? { pluginId: q.pluginId } : {}),
    ...(q.status === "revoked" ? { status: "revoked" } : {}),
    ...(q.status === "issued" ? { status: "issued", notAfter: { gt: now } } : {}),
    ...(q.status === "expired" ? { status: "issued", notAfter: { lte: now } } : {}),
  };
  const rows = await (await db()).certificate.findMany({
    where,
    orderBy: { createdAt: "desc" },
    take: 1000,
    include: { revocation: true, org: { select: { slug: true, name: true } } },
  });
  return rows.map((r) => {
    const { pem: _pem, chainPem: _chain, ...rest } = serializeCertificate(r);
    return rest;
  });
}

/** The issuer chain above a certificate (issuer first, root last), as DER. */
export async function issuerChain(client: Db, issuerCaId: string | null): Promise<Uint8Array[]> {
  const chain: Uint8Array[] = [];
  let caId = issuerCaId;
  for (let depth = 0; caId && depth < 5; depth++) {
    const ca = await client.certificateAuthority.findUnique({ where: { id: caId }, select: { parentId: true, certificate: { select: { der: true } } } });
    if (!ca?.certificate?.der) break;
    chain.push(ca.certificate.der);
    caId = ca.parentId;
  }
  return chain;
}
