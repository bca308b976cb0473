import crypto from "node:crypto";
import { generateKeyPairAsync, spkiOf, type KeyAlgorithm } from "../../pki/signer";
import type { Tx } from "../../db";
import { masterKey } from "./master-key";
import { sealPrivateKey } from "./envelope";
import { rememberSigner } from "./signer-for-key";
import { toBytes } from "../db/bytes";
import { backendFor, currentToken, type KeyBackend, type KeyPurpose } from "./key-custody";

export type { KeyPurpose } from "./key-custody";

/**
 * Generates a key pair and records it: in the PKCS#11 token for CA keys when one is configured (the row then
 * holds only the public key and the token label), otherwise sealed under the master key.
 */
export async function createManagedKey(
  tx: Tx,
  algorithm: KeyAlgorithm,
  purpose: KeyPurpose,
): Promise<{ id: string; publicKeySpki: Uint8Array; backend: KeyBackend }> {
  const id = `key_${crypto.randomUUID()}`;
  if (backendFor(purpose) === "pkcs11") return createTokenKey(tx, id, algorithm, purpose);
  const { privateKey } = await generateKeyPairAsync(algorithm);
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
  return { id, publicKeySpki, backend: "software" };
}

async function createTokenKey(tx: Tx, id: string, algorithm: KeyAlgorithm, purpose: KeyPurpose) {
  const token = await currentToken();
  // The label names the row, so an operator listing the token sees which key is which; CKA_ID is the
  // key id's UUID, unique per key as tools that pair keys with certificates expect.
  const label = `signet ${purpose} ${id}`;
  const publicKeySpki = await token.generateKeyPair(algorithm, label, Buffer.from(id.slice("key_".length).replaceAll("-", ""), "hex"));
  try {
    await tx.managedKey.create({
      data: { id, algorithm, purpose, backend: "pkcs11", pkcs11Label: label, publicKeySpki: toBytes(publicKeySpki), encryptedPrivateKey: null },
      select: { id: true },
    });
  } catch (err) {
    token.destroyKeyPair(label);
    throw err;
  }
  // If the caller's transaction rolls back later, the token keeps a key no row points to: never
  // certified, so it signs nothing anyone trusts; its label says which key id it was meant for.
  return { id, publicKeySpki, backend: "pkcs11" as const };
}
