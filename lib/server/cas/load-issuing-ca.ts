// An issuing CA as the workflows need it: its certificate facts and its signer.
import type { Tx } from "../../db";
import { certificateInfo, type CertificateInfo } from "../../pki/certificate/issue";
import type { Signer } from "../../pki/signer";
import { AppError } from "../errors";
import { signerForKey } from "../keys/signer-for-key";

export type IssuingCa = {
  id: string;
  kind: "root" | "org";
  orgId: string | null;
  certificateDer: Uint8Array;
  info: CertificateInfo;
  signer: Signer;
};

export async function loadIssuingCa(tx: Tx, caId: string, now: Date): Promise<IssuingCa> {
  const ca = await tx.certificateAuthority.findUnique({
    where: { id: caId },
    select: { id: true, kind: true, orgId: true, status: true, keyId: true, certificate: { select: { der: true } } },
  });
  if (!ca?.certificate?.der) throw new AppError("not_found", "Issuing CA not found");
  if (ca.status !== "active") throw new AppError("conflict", `The issuing CA is ${ca.status}`);
  if (!ca.keyId) throw new AppError("conflict", "This CA's key is held by the organization, not by Signet: it issues its own certificates");
  const info = certificateInfo(ca.certificate.der);
  if (info.notAfter.getTime() <= now.getTime()) throw new AppError("conflict", "The issuing CA has expired");
  return { id: ca.id, kind: ca.kind, orgId: ca.orgId, certificateDer: ca.certificate.der, info, signer: await signerForKey(tx, ca.keyId) };
}

export async function findRootCaId(tx: Tx): Promise<string> {
  const root = await tx.certificateAuthority.findFirst({ where: { kind: "root", status: "active" }, orderBy: { createdAt: "desc" }, select: { id: true } });
  if (!root) throw new AppError("conflict", "Signet is not initialized: there is no Root CA");
  return root.id;
}
