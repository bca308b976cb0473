// Every class of bad outside key, made by code, refused before node:crypto sees it; keys from
// OpenSSL (a generator we did not write) accepted with the right classification.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sequence, tlv, bitString, algorithmIdentifier, oid } from "../der";
import { OID } from "../signer";
import { checkPublicKey, importPublicKey, PublicKeyError, readPublicKey } from "./check-public-key";
import { CURVES } from "./ec-point";
import { fermatFactor, hasRocaFingerprint } from "./rsa-weakness";
import { isqrt } from "./bigint";
import { closePrimes, ecPoint, ecSpki, primePair, randomPrime, rocaPrime, rsaPrivateKey, rsaSpki } from "./test-keys";

function refusal(spki: Uint8Array): { code: string; message: string } | "accepted" {
  try {
    checkPublicKey(spki);
    return "accepted";
  } catch (err) {
    if (err instanceof PublicKeyError) return { code: err.code, message: err.message };
    throw err;
  }
}

const P256 = CURVES[OID.secp256r1];
const hex = (n: bigint, bytes: number) => Buffer.from(n.toString(16).padStart(bytes * 2, "0"), "hex");
/** An odd number of exactly `bits` bits whose smallest prime factor is `factor`: factor · p · q. */
function withSmallFactor(factor: bigint, bits = 2048): bigint {
  for (;;) {
    const rest = (bits - factor.toString(2).length) / 2;
    const n = factor * randomPrime(Math.floor(rest)) * randomPrime(Math.ceil(rest));
    if (n.toString(2).length === bits) return n;
  }
}
const [goodP, goodQ] = primePair(2048);
const GOOD_MODULUS = goodP * goodQ;

describe("EC public keys", () => {
  it("refuses the point at infinity (the SPKI whose import then aborts Node)", () => {
    expect(refusal(ecSpki(new Uint8Array([0x00])))).toMatchObject({ code: "invalid_key", message: expect.stringContaining("point at infinity") });
    expect(refusal(ecSpki(new Uint8Array([0x00]), OID.secp384r1))).toMatchObject({ code: "invalid_key" });
    // The exact bytes from the report: BIT STRING 00 00, i.e. an empty-but-for-0x00 point.
    const spki = new Uint8Array(sequence(sequence(oid(OID.ecPublicKey), oid(OID.secp256r1)), tlv(0x03, Buffer.from([0, 0]))));
    expect(refusal(spki)).toMatchObject({ code: "invalid_key", message: expect.stringContaining("infinity") });
  });

  it("refuses a point off the curve", () => {
    const point = ecPoint();
    point[64] ^= 1;
    expect(refusal(ecSpki(point))).toMatchObject({ code: "invalid_key", message: expect.stringContaining("not on P-256") });
    const p384 = ecPoint("secp384r1");
    p384[1] ^= 0x40;
    expect(refusal(ecSpki(p384, OID.secp384r1))).toMatchObject({ code: "invalid_key", message: expect.stringContaining("not on P-384") });
  });

  it("refuses coordinates at or above the field prime", () => {
    const point = ecPoint();
    const atP = Buffer.concat([Buffer.from([4]), hex(P256.p, 32), point.subarray(33)]);
    expect(refusal(ecSpki(atP))).toMatchObject({ code: "invalid_key", message: expect.stringContaining("field prime") });
    const allOnes = Buffer.concat([Buffer.from([4]), point.subarray(1, 33), Buffer.alloc(32, 0xff)]);
    expect(refusal(ecSpki(allOnes))).toMatchObject({ code: "invalid_key", message: expect.stringContaining("field prime") });
  });

  it("refuses points of the wrong length, and a P-256 point declared as P-384", () => {
    const point = ecPoint();
    expect(refusal(ecSpki(point.subarray(0, 64)))).toMatchObject({ code: "invalid_key", message: expect.stringContaining("65 octets") });
    expect(refusal(ecSpki(Buffer.concat([point, Buffer.from([0])])))).toMatchObject({ code: "invalid_key" });
    expect(refusal(ecSpki(point, OID.secp384r1))).toMatchObject({ code: "invalid_key", message: expect.stringContaining("97 octets") });
    expect(refusal(ecSpki(new Uint8Array()))).toMatchObject({ code: "invalid_key", message: expect.stringContaining("empty") });
  });

  it("refuses compressed and hybrid forms, and unknown forms", () => {
    const point = ecPoint();
    const compressed = Buffer.concat([Buffer.from([2 + (point[64] & 1)]), point.subarray(1, 33)]);
    expect(crypto.createPublicKey({ key: Buffer.from(ecSpki(compressed)), format: "der", type: "spki" }).asymmetricKeyType).toBe("ec"); // Node would take it
    expect(refusal(ecSpki(compressed))).toMatchObject({ code: "invalid_key", message: expect.stringContaining("compressed") });
    const hybrid = Buffer.from(point);
    hybrid[0] = 6 + (point[64] & 1);
    expect(refusal(ecSpki(hybrid))).toMatchObject({ code: "invalid_key", message: expect.stringContaining("hybrid") });
    const odd = Buffer.from(point);
    odd[0] = 0x05;
    expect(refusal(ecSpki(odd))).toMatchObject({ code: "invalid_key", message: expect.stringContaining("unknown form") });
  });

  it("refuses explicit parameters and curves other than P-256 and P-384", () => {
    const point = ecPoint();
    const explicit = new Uint8Array(sequence(sequence(oid(OID.ecPublicKey), sequence(Buffer.from([2, 1, 1]))), bitString(point)));
    expect(refusal(explicit)).toMatchObject({ code: "explicit_curve" });
    const noParams = new Uint8Array(sequence(sequence(oid(OID.ecPublicKey)), bitString(point)));
    expect(refusal(noParams)).toMatchObject({ code: "explicit_curve" });
    expect(refusal(ecSpki(point, "1.3.132.0.10"))).toMatchObject({ code: "unsupported_key", message: expect.stringContaining("1.3.132.0.10") });
  });

  it("agrees with python-cryptography on which points are valid public keys (an oracle we did not write)", () => {
    // Valid points, one-bit flips of them, and x with y = 0 or y = p−1: python's from_encoded_point
    // validates the point on its curve; both must give the same verdict on every one.
    const cases: { curve: "prime256v1" | "secp384r1"; point: Uint8Array }[] = [];
    for (let i = 0; i < 120; i++) {
      const curve = i % 2 ? "prime256v1" : "secp384r1";
      const point = ecPoint(curve);
      if (i % 3 === 1) point[1 + crypto.randomInt(point.length - 1)] ^= 1 << crypto.randomInt(8);
      if (i % 3 === 2) point.fill(0, (point.length + 1) / 2);
      cases.push({ curve, point });
    }
    const script = [
      "import sys, json",
      "from cryptography.hazmat.primitives.asymmetric import ec",
      "for line in sys.stdin:",
      "    c = json.loads(line)",
      "    curve = ec.SECP256R1() if c['curve'] == 'prime256v1' else ec.SECP384R1()",
      "    try:",
      "        ec.EllipticCurvePublicKey.from_encoded_point(curve, bytes.fromhex(c['point'])); print('valid')",
      "    except ValueError:",
      "        print('invalid')",
    ].join("\n");
    const input = cases.map((c) => JSON.stringify({ curve: c.curve, point: Buffer.from(c.point).toString("hex") })).join("\n");
    const python = execFileSync("python3", ["-c", script], { input }).toString().trim().split("\n");
    const ours = cases.map((c) => (refusal(ecSpki(c.point, c.curve === "prime256v1" ? OID.secp256r1 : OID.secp384r1)) === "accepted" ? "valid" : "invalid"));
    expect(ours).toEqual(python);
    expect(ours.filter((v) => v === "valid").length).toBeGreaterThanOrEqual(40);
    expect(ours.filter((v) => v === "invalid").length).toBeGreaterThanOrEqual(70);
  });

  it("accepts P-256 and P-384 keys from OpenSSL and classifies them", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-keys-"));
    for (const [curve, algorithm, bits] of [["P-256", "ecdsa-p256", 256], ["P-384", "ecdsa-p384", 384]] as const) {
      const keyPath = path.join(dir, `${curve}.pem`);
      execFileSync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${curve}`, "-out", keyPath]);
      const spki = new Uint8Array(execFileSync("openssl", ["pkey", "-in", keyPath, "-pubout", "-outform", "DER"]));
      expect(checkPublicKey(spki)).toMatchObject({ type: "ec", curve, keyAlgorithm: algorithm, bits });
      expect(importPublicKey(readPublicKey(spki)).asymmetricKeyDetails?.namedCurve).toBe(curve === "P-256" ? "prime256v1" : "secp384r1");
    }
    fs.rmSync(dir, { recursive: true });
  });
});

describe("RSA public keys: CA/B BR 6.1.6 and known-weak keys", () => {
  it("accepts RSA 2048/3072/4096 keys from OpenSSL, classified by exact size", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-keys-"));
    for (const bits of [2048, 3072, 4096]) {
      const keyPath = path.join(dir, `rsa${bits}.pem`);
      execFileSync("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", `rsa_keygen_bits:${bits}`, "-out", keyPath]);
      const spki = new Uint8Array(execFileSync("openssl", ["pkey", "-in", keyPath, "-pubout", "-outform", "DER"]));
      expect(checkPublicKey(spki)).toMatchObject({ type: "rsa", bits, keyAlgorithm: `rsa-${bits}`, publicExponent: 65537n });
    }
    fs.rmSync(dir, { recursive: true });
  });

  it("refuses moduli with a prime factor below 752, naming it, and an even modulus", () => {
    expect(refusal(rsaSpki(withSmallFactor(3n)))).toMatchObject({ code: "weak_key", message: expect.stringContaining("small prime factor 3 ") });
    expect(refusal(rsaSpki(withSmallFactor(751n)))).toMatchObject({ code: "weak_key", message: expect.stringContaining("small prime factor 751 ") });
    expect(refusal(rsaSpki(GOOD_MODULUS + 1n))).toMatchObject({ code: "weak_key", message: expect.stringContaining("even") });
    expect(refusal(rsaSpki(GOOD_MODULUS))).toBe("accepted");
  });

  it("refuses a modulus whose primes are close (Fermat within 100 rounds), with a key that signs", () => {
    const [p, q] = closePrimes(2048);
    const spki = new Uint8Array(crypto.createPublicKey(rsaPrivateKey(p, q)).export({ type: "spki", format: "der" }));
    expect(refusal(spki)).toMatchObject({ code: "weak_key", message: expect.stringContaining("Fermat") });
  });

  it("finds close primes up to the 100th Fermat round, and only there", () => {
    // n = (a−b)(a+b) = a² − b² is found in the round where the search reaches a = ⌈√n⌉ + rounds − 1.
    const a = randomPrime(1024) | (3n << 1022n) | 1n; // ≥ 1.5·2^1023, so n has 2048 bits; a odd, b even
    const roundsFor = (b: bigint) => {
      const n = a * a - b * b;
      const root = isqrt(n);
      return a - (root * root === n ? root : root + 1n) + 1n;
    };
    const withRounds = (target: bigint) => {
      let b = isqrt(2n * a * (target - 1n)) & ~1n;
      while (roundsFor(b) < target) b += 2n;
      while (roundsFor(b) > target) b -= 2n;
      return b;
    };
    const b100 = withRounds(100n);
    expect(roundsFor(b100)).toBe(100n);
    expect(fermatFactor(a * a - b100 * b100, 100)).toEqual([a - b100, a + b100]);
    expect(fermatFactor(a * a - b100 * b100, 99)).toBeUndefined();
    const b101 = withRounds(101n);
    expect(roundsFor(b101)).toBe(101n);
    expect(fermatFactor(a * a - b101 * b101, 100)).toBeUndefined();
  });

  it("refuses prime powers p² and p³", () => {
    let p = randomPrime(1024);
    while ((p * p).toString(2).length !== 2048) p = randomPrime(1024);
    expect(refusal(rsaSpki(p * p))).toMatchObject({ code: "weak_key", message: expect.stringContaining("m^2") });
    let r = randomPrime(683);
    while ((r ** 3n).toString(2).length !== 2048) r = randomPrime(683);
    expect(refusal(rsaSpki(r ** 3n))).toMatchObject({ code: "weak_key", message: expect.stringContaining("m^3") });
  });

  it("refuses exponents outside BR 6.1.6: 3, even, above 2^256−1; and 1 as no RSA key at all", () => {
    for (const e of [3n, 65535n, 65536n, 65538n, 2n ** 256n + 1n]) {
      expect(refusal(rsaSpki(GOOD_MODULUS, e)), `e=${e}`).toMatchObject({ code: "weak_key", message: expect.stringContaining("exponent") });
    }
    expect(refusal(rsaSpki(GOOD_MODULUS, 1n))).toMatchObject({ code: "invalid_key", message: expect.stringContaining("exponent") });
    expect(refusal(rsaSpki(GOOD_MODULUS, 2n ** 255n + 1n))).toBe("accepted");
  });

  it("detects the ROCA fingerprint (CVE-2017-15361) on a key of Infineon's form, with a key that signs", () => {
    const [p, q] = primePair(2048, rocaPrime);
    expect(hasRocaFingerprint(p * q)).toBe(true);
    const spki = new Uint8Array(crypto.createPublicKey(rsaPrivateKey(p, q)).export({ type: "spki", format: "der" }));
    expect(refusal(spki)).toMatchObject({ code: "weak_key", message: expect.stringContaining("ROCA") });
    // Random moduli do not match (false-positive rate about 2^-154).
    for (let i = 0; i < 200; i++) expect(hasRocaFingerprint(BigInt(`0x${crypto.randomBytes(256).toString("hex")}`) | 1n)).toBe(false);
  });

  it("refuses sizes outside the bounds and odd bit lengths", () => {
    expect(refusal(rsaSpki((1n << 1023n) + 1n))).toMatchObject({ code: "weak_key", message: expect.stringContaining("at least 2048") });
    expect(refusal(rsaSpki((1n << 300n) + 1n))).toMatchObject({ code: "weak_key" });
    expect(refusal(rsaSpki((1n << 16400n) + 1n))).toMatchObject({ code: "unsupported_key", message: expect.stringContaining("16384") });
    expect(refusal(rsaSpki(GOOD_MODULUS >> 3n))).toMatchObject({ code: "weak_key", message: expect.stringContaining("2045") });
  });

  it("classifies other RSA sizes as no profile's algorithm", () => {
    const [p, q] = primePair(2304);
    expect(checkPublicKey(rsaSpki(p * q))).toMatchObject({ bits: 2304, keyAlgorithm: undefined });
  });

  it("refuses non-DER and malformed structures", () => {
    const good = rsaSpki(GOOD_MODULUS);
    const noNull = new Uint8Array(sequence(sequence(oid(OID.rsaEncryption)), bitString(sequence(tlv(2, hex(GOOD_MODULUS, 256)), Buffer.from([2, 3, 1, 0, 1])))));
    expect(refusal(noNull)).toMatchObject({ code: "invalid_key", message: expect.stringContaining("NULL") });
    const badParams = new Uint8Array(sequence(sequence(oid(OID.rsaEncryption), Buffer.from([4, 0])), bitString(sequence(Buffer.from([2, 1, 3])))));
    expect(refusal(badParams)).toMatchObject({ code: "invalid_key", message: expect.stringContaining("NULL") });
    const leadingZero = new Uint8Array(sequence(algorithmIdentifier(OID.rsaEncryption, true), bitString(sequence(tlv(2, Buffer.concat([Buffer.from([0, 0]), hex(GOOD_MODULUS, 256)])), Buffer.from([2, 3, 1, 0, 1])))));
    expect(refusal(leadingZero)).toMatchObject({ code: "invalid_key", message: expect.stringContaining("minimally") });
    const negative = new Uint8Array(sequence(algorithmIdentifier(OID.rsaEncryption, true), bitString(sequence(tlv(2, hex(GOOD_MODULUS, 256)), Buffer.from([2, 3, 1, 0, 1])))));
    expect(refusal(negative)).toMatchObject({ code: "invalid_key", message: expect.stringContaining("negative") });
    expect(refusal(Buffer.concat([good, Buffer.from([0])]))).toMatchObject({ code: "invalid_key", message: expect.stringContaining("not DER") });
    const unusedBits = Buffer.from(good);
    unusedBits[unusedBits.indexOf(0x03, 15) + 4] = 1;
    expect(refusal(unusedBits)).toMatchObject({ code: "invalid_key" });
    expect(refusal(new Uint8Array(sequence(algorithmIdentifier("1.3.101.112", false), bitString(crypto.randomBytes(32)))))).toMatchObject({ code: "unsupported_key" });
    expect(refusal(new Uint8Array([0x30, 0x00]))).toMatchObject({ code: "invalid_key" });
  });

  it("costs a few milliseconds for RSA-4096", () => {
    const spki = new Uint8Array(crypto.generateKeyPairSync("rsa", { modulusLength: 4096 }).publicKey.export({ type: "spki", format: "der" }));
    checkPublicKey(spki);
    const started = performance.now();
    for (let i = 0; i < 10; i++) checkPublicKey(spki);
    expect((performance.now() - started) / 10).toBeLessThan(50);
  });
});
