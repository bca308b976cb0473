// A Signer over a CA key held in the PKCS#11 token. The digest is computed here and only the digest goes to
// the token (CKM_ECDSA, or CKM_RSA_PKCS over a DigestInfo): every token offers these raw mechanisms, and a
// large CRL is not streamed through the token's interface.
import crypto from "node:crypto";
import { digestInfo, ecdsaRawToDer, isEcAlgorithm } from "../../pki/hsm-signature";
import type { HashName, KeyAlgorithm, Signer } from "../../pki/signer";
import { CK } from "./pkcs11-api";
import type { Pkcs11Token } from "./pkcs11-token";

export function pkcs11Signer(token: () => Promise<Pkcs11Token>, key: { label: string; algorithm: KeyAlgorithm; publicKeySpki: Uint8Array }): Signer {
  const { label, algorithm, publicKeySpki } = key;
  async function signDigest(digest: Buffer, hash: HashName): Promise<Uint8Array> {
    // The token is looked up per signature, not captured: the custody module may reopen it.
    const session = await token();
    if (isEcAlgorithm(algorithm)) {
      // A digest longer than the curve order (SHA-384 on P-256) is truncated by the token, as ECDSA specifies.
      return new Uint8Array(ecdsaRawToDer(session.sign(label, { mechanism: CK.CKM_ECDSA }, digest)));
    }
    return new Uint8Array(session.sign(label, { mechanism: CK.CKM_RSA_PKCS }, digestInfo(hash, digest)));
  }
  return {
    algorithm,
    publicKeySpki,
    async sign(data, hash) {
      return signDigest(crypto.createHash(hash).update(data).digest(), hash);
    },
    async signParts(parts, hash) {
      const hashing = crypto.createHash(hash);
      for await (const part of parts) hashing.update(part);
      return signDigest(hashing.digest(), hash);
    },
  };
}
