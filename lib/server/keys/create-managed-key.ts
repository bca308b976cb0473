import crypto from "node:crypto";
import { generateKeyPairAsync, spkiOf, type KeyAlgorithm } from "../../pki/signer";
import type { Tx } from "../../db";
import { masterKey } from "./master-key";
import { sealPrivateKey } from "./envelope";
import { rememberSigner } from "./signer-for-key";
import { toBytes } from "../db/bytes";

export type KeyPurpose = "root-ca" | "org-ca" | "plugin" | "ocsp-responder";

/** Generates a key pair inside Signet and stores it sealed under the master key. Returns its id and public key. */
export async function createManagedKey(
  tx: Tx,
  algorithm: KeyAlgorithm,
  purpose: KeyPurpose,
): Promise<{ id: string; publicKeySpki: Uint8Array }> {
  const { privateKey } = await generateKeyPairAsync(algorithm);
  const id = `key_${crypto.randomUUID()}`;
  const pkcs8 = privateKey.export({ type: "pkcs8", format: "der" });
  const publicKeySpki = spkiOf(privateKey);
  await tx.managedKey.create({
    data: {
      id,
      algorithm,
      purpose,
      backend: "software",
      publicKeySpki: toBytes(publicKeySpki),
      encryptedPrivateKey: toBytes(sealPrivateKey(masterKey(), id, pkcs8)),
    },
    select: { id: true },
  });
  rememberSigner(id, privateKey, algorithm);
  return { id, publicKeySpki };
}
