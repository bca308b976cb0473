// A CA's signing facts for revocation data: its Name, key identifier and signer.
import type { Tx, Db } from "../../db";
import type { Signer } from "../../pki/signer";
import { AppError } from "../errors";
import { signerForKey } from "../keys/signer-for-key";

export type CaForSigning = { id: string; subjectDer: Uint8Array; keyIdentifier: Uint8Array; signer: Signer };

export async function loadCaForSigning(client: Tx | Db, caId: string): Promise<CaForSigning> {
  const ca = await client.certificateAuthority.findUnique({ where: { id: caId }, select: { id: true, keyId: true, subjectDer: true, spkiSha1: true } });
  if (!ca) throw new AppError("not_found", "No such certificate authority");
  if (!ca.keyId) throw new AppError("conflict", "This CA's key is held by its organization; Signet cannot sign its CRL");
  return { id: ca.id, subjectDer: ca.subjectDer, keyIdentifier: ca.spkiSha1, signer: await signerForKey(client, ca.keyId) };
}
