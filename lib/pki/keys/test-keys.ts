// Weak and invalid public keys made by code for tests (no binary fixtures): SPKIs around chosen
// numbers, and RSA private keys from chosen primes so a CSR with a weak key can carry a valid signature.
import crypto, { type KeyObject } from "node:crypto";
import { algorithmIdentifier, bitString, integer, oid, sequence } from "../der";
import { bytesOf, children, readRoot } from "../der-read";
import { OID } from "../signer";
import { gcd, primesBelow } from "./bigint";

const toBytes = (n: bigint): Buffer => {
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
};

export function rsaSpki(modulus: bigint, exponent = 65537n): Uint8Array {
  return new Uint8Array(sequence(algorithmIdentifier(OID.rsaEncryption, true), bitString(sequence(integer(modulus), integer(exponent)))));
}

export function ecSpki(point: Uint8Array, curveOid: string = OID.secp256r1): Uint8Array {
  return new Uint8Array(sequence(sequence(oid(OID.ecPublicKey), oid(curveOid)), bitString(point)));
}

/** The uncompressed point octets of a fresh key on `curve`. */
export function ecPoint(curve: "prime256v1" | "secp384r1" = "prime256v1"): Uint8Array {
  const spki = crypto.generateKeyPairSync("ec", { namedCurve: curve }).publicKey.export({ type: "spki", format: "der" });
  return new Uint8Array(spki.subarray(spki.length - (curve === "prime256v1" ? 65 : 97)));
}

export const randomPrime = (bits: number): bigint => crypto.generatePrimeSync(bits, { bigint: true });

export function nextPrime(from: bigint): bigint {
  for (let c = from | 1n; ; c += 2n) if (crypto.checkPrimeSync(c)) return c;
}

/** Two primes whose product has exactly `bits` bits, drawn by `prime` until it does. */
export function primePair(bits: number, prime: (bits: number) => bigint = randomPrime): [bigint, bigint] {
  for (;;) {
    const p = prime(bits / 2);
    const q = prime(bits / 2);
    if ((p * q).toString(2).length === bits && p !== q) return [p, q];
  }
}

/** Two primes that differ by less than 2^40, product of `bits` bits: Fermat's first round finds them. */
export function closePrimes(bits: number): [bigint, bigint] {
  for (;;) {
    const p = randomPrime(bits / 2);
    const q = nextPrime(p + 2n + BigInt(crypto.randomInt(1, 2 ** 40)));
    if ((p * q).toString(2).length === bits) return [p, q];
  }
}

/** The primorial M of the ROCA paper, over the primes up to 167 (the detector's moduli, and 2). */
export const ROCA_PRIMORIAL = primesBelow(168).reduce((m, p) => m * BigInt(p), 1n);

/** A prime of the Infineon form k·M + (65537^a mod M) (Nemec et al., CCS 2017, §2.2). */
export function rocaPrime(bits: number): bigint {
  let g = 1n;
  let base = 65537n;
  for (let a = BigInt(crypto.randomInt(2, 2 ** 40)); a > 0n; a >>= 1n, base = (base * base) % ROCA_PRIMORIAL) if (a & 1n) g = (g * base) % ROCA_PRIMORIAL;
  return crypto.generatePrimeSync(bits, { bigint: true, add: ROCA_PRIMORIAL, rem: g });
}

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/** An RSA private key from two primes, so tests can sign with keys no generator would produce. */
export function rsaPrivateKey(p: bigint, q: bigint, e = 65537n): KeyObject {
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  const d = modInverse(e, lambda);
  const b64 = (n: bigint) => toBytes(n).toString("base64url");
  return crypto.createPrivateKey({
    key: { kty: "RSA", n: b64(p * q), e: b64(e), d: b64(d), p: b64(p), q: b64(q), dp: b64(d % (p - 1n)), dq: b64(d % (q - 1n)), qi: b64(modInverse(q, p)) },
    format: "jwk",
  });
}

/**
 * The certificate `certDer` with its subject public key replaced by `spkiDer` (the issuer's signature
 * no longer verifies, which is the point: the key must be refused before any signature is checked).
 */
export function withSubjectKey(certDer: Uint8Array, spkiDer: Uint8Array): Uint8Array {
  const [tbs, ...rest] = children(certDer, readRoot(certDer, 0x30));
  const fields = children(certDer, tbs);
  const spkiIndex = (fields[0].tag === 0xa0 ? 1 : 0) + 5;
  const parts = fields.map((f, i) => (i === spkiIndex ? Buffer.from(spkiDer) : Buffer.from(bytesOf(certDer, f))));
  return new Uint8Array(sequence(sequence(...parts), ...rest.map((t) => Buffer.from(bytesOf(certDer, t)))));
}
