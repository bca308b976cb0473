import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { digestInfo, ecdsaDerToRaw, ecdsaRawToDer, ecSpkiFromPoint, rsaSpkiFromModulus } from "./hsm-signature";

describe("ecdsaRawToDer", () => {
  it("turns the r||s that PKCS#11 returns into the DER ECDSA-Sig-Value node:crypto verifies", () => {
    for (const [curve, hash] of [["prime256v1", "sha256"], ["secp384r1", "sha384"]] as const) {
      const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: curve });
      // Many signatures, so r and s with a high top bit (DER needs a 0x00) and with leading zero bytes occur.
      for (let i = 0; i < 300; i++) {
        const data = Buffer.from(`message ${i}`);
        const raw = crypto.sign(hash, data, { key: privateKey, dsaEncoding: "ieee-p1363" });
        const der = ecdsaRawToDer(raw);
        expect(crypto.verify(hash, data, publicKey, der), `${curve} #${i}`).toBe(true);
      }
    }
  });

  it("writes minimal INTEGERs: leading zeros dropped, 0x00 added before a set top bit", () => {
    const r = Buffer.alloc(32);
    r[31] = 1;
    const s = Buffer.alloc(32, 0xff);
    expect(ecdsaRawToDer(Buffer.concat([r, s])).toString("hex")).toBe("3026" + "020101" + "022100" + "ff".repeat(32));
    expect(() => ecdsaRawToDer(Buffer.alloc(63))).toThrow(/even/);
  });
});

describe("ecdsaDerToRaw", () => {
  it("turns node:crypto's DER signatures into the r||s that ieee-p1363 verification accepts", () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    // Enough signatures that r or s shorter than 32 bytes (a leading zero byte) occurs.
    for (let i = 0; i < 300; i++) {
      const data = Buffer.from(`manifest ${i}`);
      const der = crypto.sign("sha256", data, privateKey);
      const raw = ecdsaDerToRaw(der, 32);
      expect(raw).toHaveLength(64);
      expect(crypto.verify("sha256", data, { key: publicKey, dsaEncoding: "ieee-p1363" }, raw), `#${i}`).toBe(true);
      expect(ecdsaRawToDer(raw).equals(der)).toBe(true);
    }
  });

  it("refuses what is not a DER ECDSA-Sig-Value of the curve's size", () => {
    expect(ecdsaDerToRaw(Buffer.from("3006020101020102", "hex"), 32).toString("hex")).toBe("00".repeat(31) + "01" + "00".repeat(31) + "02");
    expect(() => ecdsaDerToRaw(Buffer.from("3006020181020102", "hex"), 32)).toThrow(/positive/);
    expect(() => ecdsaDerToRaw(Buffer.from("30030201010000", "hex"), 32)).toThrow();
    expect(() => ecdsaDerToRaw(ecdsaRawToDer(Buffer.alloc(96, 0x11)), 32)).toThrow(/longer/);
    expect(() => ecdsaDerToRaw(Buffer.from("3003020101", "hex"), 32)).toThrow(/SEQUENCE/);
  });
});

describe("digestInfo", () => {
  it("matches the DigestInfo prefixes of RFC 8017 §9.2 note 1", () => {
    const prefixes = {
      sha256: "3031300d060960864801650304020105000420",
      sha384: "3041300d060960864801650304020205000430",
      sha512: "3051300d060960864801650304020305000440",
    } as const;
    for (const [hash, prefix] of Object.entries(prefixes) as [keyof typeof prefixes, string][]) {
      const digest = crypto.createHash(hash).update("x").digest();
      expect(digestInfo(hash, digest).toString("hex")).toBe(prefix + digest.toString("hex"));
    }
  });

  it("padded with PKCS#1 v1.5 type 1, gives exactly node:crypto's RSA signature", () => {
    const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const data = Buffer.from("to be signed");
    for (const hash of ["sha256", "sha384", "sha512"] as const) {
      const raw = crypto.privateEncrypt({ key: privateKey, padding: crypto.constants.RSA_PKCS1_PADDING }, digestInfo(hash, crypto.createHash(hash).update(data).digest()));
      expect(raw.equals(crypto.sign(hash, data, privateKey)), hash).toBe(true);
    }
  });
});

describe("public keys from token attributes", () => {
  it("rebuilds an EC SubjectPublicKeyInfo from the uncompressed point", () => {
    for (const [algorithm, curve] of [["ecdsa-p256", "prime256v1"], ["ecdsa-p384", "secp384r1"]] as const) {
      const { publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: curve });
      const jwk = publicKey.export({ format: "jwk" });
      const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
      expect(Buffer.from(ecSpkiFromPoint(algorithm, point)).equals(publicKey.export({ type: "spki", format: "der" }))).toBe(true);
      expect(() => ecSpkiFromPoint(algorithm, point.subarray(1))).toThrow(/uncompressed/);
    }
  });

  it("rebuilds an RSA SubjectPublicKeyInfo from modulus and exponent", () => {
    const { publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = publicKey.export({ format: "jwk" });
    const spki = rsaSpkiFromModulus(Buffer.from(jwk.n!, "base64url"), Buffer.from(jwk.e!, "base64url"));
    expect(Buffer.from(spki).equals(publicKey.export({ type: "spki", format: "der" }))).toBe(true);
  });
});
