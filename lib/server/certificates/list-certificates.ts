import { z } from "zod";
import type { Prisma } from "../../generated/prisma/client";
import { db, type Db } from "../../db";
import { isOperator, requireUser, type Principal, type UserPrincipal } from "../auth/principal";
import { serializeCertificate } from "./serialize-certificate";
import { decodeCursor, keyset, pageParams, toPage, type KeysetColumn } from "../http/keyset-page";

export const listCertificatesQuery = z.object({
  org: z.string().max(64).optional(),
  kind: z.enum(["root-ca", "org-ca", "plugin", "ocsp-responder"]).optional(),
  status: z.enum(["issued", "revoked", "expired"]).optional(),
  pluginId: z.string().max(128).optional(),
  /** Free text: the start of a serial or fingerprint (8+ hex digits), else part of the subject (which holds the plugin id). */
  q: z.string().trim().max(128).optional(),
  /** Valid certificates whose notAfter falls within the next N days. */
  expiresWithinDays: z.coerce.number().int().min(1).max(3650).optional(),
  /** Sorts are on indexed columns, so every page is a keyset page (see lib/server/http/keyset-page.ts). */
  sort: z.enum(["subject", "notBefore", "notAfter", "createdAt"]).default("createdAt"),
  order: z.enum(["asc", "desc"]).default("desc"),
  ...pageParams(1000),
});
export type CertificateQuery = z.infer<typeof listCertificatesQuery>;

const KIND_DB = { "root-ca": "root_ca", "org-ca": "org_ca", plugin: "plugin", "ocsp-responder": "ocsp_responder" } as const;

/** Rows the actor may see: operators everything; members their organizations' certificates. */
export function certificateScope(actor: UserPrincipal): Prisma.CertificateWhereInput {
  return isOperator(actor) ? {} : { orgId: { in: actor.memberships.map((m) => m.orgId) } };
}

/**
 * What people type: a serial or fingerprint (8+ hex digits, colons allowed) is matched by its start,
 * on an index; anything else is part of the subject, which holds the plugin id (CN) of every plugin
 * certificate and the organization (O) of every certificate.
 */
function certificateSearch(text: string): Prisma.CertificateWhereInput {
  const hex = text.replace(/:/g, "");
  if (/^[0-9a-f]{8,}$/.test(hex)) return { OR: [{ serialHex: { startsWith: hex } }, { fingerprintSha256: { startsWith: hex } }] };
  return { subject: { contains: text, mode: "insensitive" } };
}

/** The filters of the inventory, inside the actor's scope (the export applies exactly the same). */
export function certificateWhere(user: UserPrincipal, q: CertificateQuery, now: Date): Prisma.CertificateWhereInput {
  const text = q.q?.toLowerCase();
  const conditions: Prisma.CertificateWhereInput[] = [
    certificateScope(user),
    { status: { in: ["issued", "revoked"] } },
    q.org ? { org: { slug: q.org } } : {},
    q.kind ? { kind: KIND_DB[q.kind] } : {},
    q.pluginId ? { pluginId: q.pluginId } : {},
    q.status === "revoked" ? { status: "revoked" } : {},
    q.status === "issued" ? { status: "issued", notAfter: { gt: now } } : {},
    q.status === "expired" ? { status: "issued", notAfter: { lte: now } } : {},
    q.expiresWithinDays ? { status: "issued", notAfter: { gt: now, lte: new Date(now.getTime() + q.expiresWithinDays * 86_400_000) } } : {},
    text ? certificateSearch(text) : {},
  ];
  // Prisma reads {} as "true" inside AND (but as "false" inside OR); dropping them keeps the query plain.
  return { AND: conditions.filter((condition) => Object.keys(condition).length > 0) };
}

const SORT_COLUMN: Record<CertificateQuery["sort"], KeysetColumn> = {
  subject: { name: "subject", type: "text" },
  notBefore: { name: "notBefore", type: "date" },
  notAfter: { name: "notAfter", type: "date" },
  createdAt: { name: "createdAt", type: "date" },
};

/** The sort with the id as tiebreak, so paging never repeats or skips a row. */
export function certificateOrder(q: CertificateQuery): Prisma.CertificateOrderByWithRelationInput[] {
  return keyset(SORT_COLUMN[q.sort], q.order, undefined).orderBy;
}

export async function listCertificates(actor: Principal, raw: z.input<typeof listCertificatesQuery>, now = new Date()) {
  const user = requireUser(actor);
  const q = listCertificatesQuery.parse(raw);
  const page = keyset(SORT_COLUMN[q.sort], q.order, decodeCursor(q.cursor, q.sort, q.order));
  const rows = await (await db()).certificate.findMany({
    where: { AND: [certificateWhere(user, q, now), page.where] },
    orderBy: page.orderBy,
    take: q.limit + 1,
    // The list shows no PEM: the certificate bytes stay in the database.
    omit: { der: true, publicKeySpki: true },
    include: { revocation: true, org: { select: { slug: true, name: true } } },
  });
  return toPage(rows, q.limit, q.sort, q.order, (r) => r[q.sort], (r) => {
    const { pem: _pem, chainPem: _chain, ...rest } = serializeCertificate({ ...r, der: null, publicKeySpki: null });
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
