// Makes a store signing key for one target: a ManagedKey of purpose "store" (sealed under the master
// key, or generated in the PKCS#11 token when one is configured) and its public record. For the OpenPGP
// targets the key file is a transferable public key self-certified through the same Signer, with the
// creation time fixed here (whole seconds: it is part of the fingerprint, FORMATS.md §5).
import crypto from "node:crypto";
import type { Tx } from "../../db";
import { env } from "../../env";
import { openpgpPublicKey } from "../../pki/openpgp/sign";
import { difyPublicKeyFile } from "../../pki/dify/key-file";
import { menderPublicKeyFile } from "../../pki/mender/key-file";
import type { KeyAlgorithm } from "../../pki/signer";
import { toBytes } from "../db/bytes";
import { AppError } from "../errors";
import { createManagedKey } from "../keys/create-managed-key";
import { signerForKey } from "../keys/signer-for-key";
import { OPENPGP_TARGETS, TARGET_ALGORITHMS, type KeyedTarget } from "./store-targets";

export type StoreKeyStatus = "next" | "active" | "retired";

export function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

export function storeKeyUserId(target: KeyedTarget): string {
  return `Signet ${target} store key (${new URL(env().publicUrl).host})`;
}

export async function createStoreKey(tx: Tx, target: KeyedTarget, algorithm: KeyAlgorithm | undefined, status: StoreKeyStatus, now: Date) {
  const rules = TARGET_ALGORITHMS[target];
  const chosen = algorithm ?? rules.default;
  if (!rules.allowed.includes(chosen)) throw new AppError("bad_request", `A ${target} store key is one of ${rules.allowed.join(", ")} (what its verifier accepts), not ${chosen}`);
  const managed = await createManagedKey(tx, chosen, "store");
  const createdAt = wholeSeconds(now);
  const publicKey = OPENPGP_TARGETS.includes(target)
    ? await openpgpPublicKey({ spki: managed.publicKeySpki, createdAt, userId: storeKeyUserId(target), signer: await signerForKey(tx, managed.id), now })
    : bareKeyFile(target, managed.publicKeySpki);
  return tx.storeKey.create({
    data: {
      id: `sk_${crypto.randomUUID()}`,
      target,
      managedKeyId: managed.id,
      algorithm: chosen,
      status,
      createdAt,
      keyId: publicKey.keyId,
      fingerprint: publicKey.fingerprint,
      publicKeySpki: toBytes(managed.publicKeySpki),
      publicKeyFile: publicKey.armored,
      activatedAt: status === "active" ? createdAt : null,
    },
    select: storeKeySelect,
  });
}

/**
 * Dify and Mender trust bare public key files (FORMATS.md §7, §8): the key's id is the first 64 bits of
 * the SHA-256 of its SubjectPublicKeyInfo, its fingerprint the whole digest.
 */
function bareKeyFile(target: KeyedTarget, spki: Uint8Array): { keyId: string; fingerprint: string; armored: string } {
  const fingerprint = crypto.createHash("sha256").update(spki).digest("hex");
  return { keyId: fingerprint.slice(0, 16), fingerprint, armored: target === "dify" ? difyPublicKeyFile(spki) : menderPublicKeyFile(spki) };
}

export const storeKeySelect = {
  id: true,
  target: true,
  managedKeyId: true,
  algorithm: true,
  status: true,
  createdAt: true,
  keyId: true,
  fingerprint: true,
  activatedAt: true,
  retiredAt: true,
} as const;
