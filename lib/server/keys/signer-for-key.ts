// The only module that opens a sealed private key. Each key is parsed once into a KeyObject and
// reused: re-parsing PKCS#8 per signature costs more than the signature itself. Keys held in the
// PKCS#11 token get a signer that asks the token instead; nothing of theirs is in the database.
import crypto, { type KeyObject } from "node:crypto";
import { softwareSigner, type KeyAlgorithm, type Signer } from "../../pki/signer";
import type { Db, Tx } from "../../db";
import { AppError } from "../errors";
import { masterKey } from "./master-key";
import { openPrivateKey } from "./envelope";
import { currentToken, pkcs11Config } from "./key-custody";
import { pkcs11Signer } from "./pkcs11-signer";

const signers = new Map<string, Signer>();
const privateKeys = new Map<string, KeyObject>();

export function rememberSigner(keyId: string, privateKey: KeyObject, algorithm: KeyAlgorithm): void {
  privateKeys.set(keyId, privateKey);
  signers.set(keyId, softwareSigner(privateKey, algorithm));
}

async function load(client: Db | Tx, keyId: string): Promise<void> {
  const row = await client.managedKey.findUnique({
    where: { id: keyId },
    select: { id: true, algorithm: true, backend: true, encryptedPrivateKey: true, pkcs11Label: true, publicKeySpki: true },
  });
  if (!row) throw new AppError("not_found", "signing key not found");
  if (row.backend === "pkcs11" && row.pkcs11Label && pkcs11Config()) {
    signers.set(keyId, pkcs11Signer(currentToken, { label: row.pkcs11Label, algorithm: row.algorithm as KeyAlgorithm, publicKeySpki: row.publicKeySpki }));
    return;
  }
  if (row.backend !== "software" || !row.encryptedPrivateKey) {
    throw new AppError("conflict", `key ${keyId} is held by the ${row.backend} backend, which is not configured`);
  }
  const pkcs8 = openPrivateKey(masterKey(), row.id, row.encryptedPrivateKey);
  const privateKey = crypto.createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
  pkcs8.fill(0);
  rememberSigner(keyId, privateKey, row.algorithm as KeyAlgorithm);
}

export async function signerForKey(client: Db | Tx, keyId: string): Promise<Signer> {
  if (!signers.has(keyId)) await load(client, keyId);
  return signers.get(keyId)!;
}

/**
 * The raw KeyObject, for the one place that must hand a software key to worker threads
 * (parallel per-entry RSA signing of large archives). Never serialized into a response or log.
 */
export async function privateKeyForWorkers(client: Db | Tx, keyId: string): Promise<KeyObject> {
  if (!signers.has(keyId)) await load(client, keyId);
  const privateKey = privateKeys.get(keyId);
  if (!privateKey) throw new AppError("conflict", `key ${keyId} is held in the PKCS#11 token and cannot be handed to worker threads`);
  return privateKey;
}
