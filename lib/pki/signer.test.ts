// Signer.signParts: the streamed form OpenPGP needs must be the same signature as sign() over the whole.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateKeyPair, softwareSigner } from "./signer";

describe("softwareSigner.signParts", () => {
  const parts = [crypto.randomBytes(1000), Buffer.alloc(0), crypto.randomBytes(70_000), crypto.randomBytes(3)];
  const whole = Buffer.concat(parts);

  it("RSA (deterministic PKCS#1 v1.5): byte-identical to sign() over the concatenation, sync or async parts", async () => {
    const signer = softwareSigner(generateKeyPair("rsa-3072").privateKey);
    async function* asyncParts() {
      yield* parts;
    }
    for (const hash of ["sha256", "sha512"] as const) {
      const expected = Buffer.from(await signer.sign(whole, hash));
      expect(Buffer.from(await signer.signParts(parts, hash)).equals(expected)).toBe(true);
      expect(Buffer.from(await signer.signParts(asyncParts(), hash)).equals(expected)).toBe(true);
    }
  });

  it("ECDSA: a DER signature over the concatenation that node:crypto verifies, and not over other data", async () => {
    const { privateKey, publicKey } = generateKeyPair("ecdsa-p384");
    const signer = softwareSigner(privateKey);
    const sig = await signer.signParts(parts, "sha384");
    expect(crypto.verify("sha384", whole, publicKey, sig)).toBe(true);
    expect(crypto.verify("sha384", Buffer.concat([whole, Buffer.from([0])]), publicKey, sig)).toBe(false);
  });
});
