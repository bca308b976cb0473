// An external-key organization CA as its own org's admins act on it (register certificates,
// upload CRLs, certify the OCSP responder). Another org's CA answers 404 like any object that is
// not yours; members and operators may read, only the org's admins write.
import type { Db, Tx } from "../../db";
import { isOperator, isOrgAdmin, membershipIn, requireUser, type Principal, type UserPrincipal } from "../auth/principal";
import { AppError } from "../errors";

export type ExternalCa = {
  id: string;
  orgId: string;
  orgName: string;
  orgSlug: string;
  pluginIdPrefix: string;
  status: "active" | "revoked" | "expired";
  certificateDer: Uint8Array;
  notAfter: Date;
  lastCrlNumber: bigint;
  pendingResponderKeyId: string | null;
};

const CA_ID = /^[A-Za-z0-9_-]{1,64}$/;

export async function loadExternalCa(client: Db | Tx, principal: Principal, caId: string, access: "read" | "write"): Promise<{ actor: UserPrincipal; ca: ExternalCa }> {
  const actor = requireUser(principal);
  const row = CA_ID.test(caId)
    ? await client.certificateAuthority.findUnique({
        where: { id: caId },
        select: { id: true, kind: true, status: true, keyId: true, orgId: true, lastCrlNumber: true, pendingResponderKeyId: true, org: { select: { name: true, slug: true, pluginIdPrefix: true } }, certificate: { select: { der: true, notAfter: true } } },
      })
    : null;
  if (!row || !row.orgId || !row.org || !(isOperator(actor) || membershipIn(actor, row.orgId))) throw new AppError("not_found", "Certificate authority not found");
  if (access === "write" && !isOrgAdmin(actor, row.orgId)) throw new AppError("forbidden", "Only an admin of the organization acts for its CA");
  if (row.kind !== "org" || row.keyId) throw new AppError("conflict", "Signet holds this CA's key and runs its certificates, CRLs and OCSP itself; this is for organizations that keep their own CA key");
  if (!row.certificate?.der) throw new AppError("conflict", "The CA has no certificate yet");
  return {
    actor,
    ca: {
      id: row.id,
      orgId: row.orgId,
      orgName: row.org.name,
      orgSlug: row.org.slug,
      pluginIdPrefix: row.org.pluginIdPrefix,
      status: row.status,
      certificateDer: row.certificate.der,
      notAfter: row.certificate.notAfter,
      lastCrlNumber: row.lastCrlNumber,
      pendingResponderKeyId: row.pendingResponderKeyId,
    },
  };
}

/** Writes need a CA that is still in force. */
export function assertActive(ca: ExternalCa, now: Date): void {
  if (ca.status !== "active") throw new AppError("conflict", `The organization CA is ${ca.status}`);
  if (ca.notAfter.getTime() <= now.getTime()) throw new AppError("conflict", "The organization CA has expired");
}
