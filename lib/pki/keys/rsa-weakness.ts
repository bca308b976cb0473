// Known-weak RSA public keys, refused wherever Signet certifies or trusts a key: CA/Browser Forum
// Baseline Requirements §6.1.6 (odd exponent in [2^16+1, 2^256−1], odd modulus, not a prime power,
// no factor smaller than 752) and §6.1.1.3 (4) (close primes found by ≤ 100 rounds of Fermat; ROCA).
// Cost measured on the 2-core build machine (Node 20, BigInt): about 1 ms for RSA-2048 and 2.5 ms for
// RSA-4096, most of it the perfect-power roots (~2 ms at 4096); the primorial gcd and 100 Fermat
// rounds are each under 0.5 ms and the ROCA test is 38 small remainders.
import { bitLength, gcd, iroot, isqrt, isSquare, primesBelow } from "./bigint";

const SMALL_PRIMES = primesBelow(752);
const SMALL_PRIMORIAL = SMALL_PRIMES.reduce((product, p) => product * BigInt(p), 1n);
const FERMAT_ROUNDS = 100;
const MIN_EXPONENT = 2n ** 16n + 1n;
const MAX_EXPONENT = 2n ** 256n - 1n;

function smallestSmallFactor(n: bigint): number | undefined {
  // One gcd with the product of all primes below 752 answers "is there one"; only then trial-divide to name it.
  if (gcd(n, SMALL_PRIMORIAL) === 1n) return undefined;
  return SMALL_PRIMES.find((p) => n % BigInt(p) === 0n);
}

/** n = m^k for some k ≥ 2 (which covers every prime power p^k). n has no factor below 752 here, so m > 751. */
function perfectPowerExponent(n: bigint): number | undefined {
  const maxK = Math.floor(bitLength(n) / Math.log2(752)) + 1;
  for (const k of primesBelow(maxK + 1)) {
    const root = iroot(n, k);
    if (root ** BigInt(k) === n) return k;
  }
  return undefined;
}

/** p and q so close that a² − n is a square for one of the first rounds a = ⌈√n⌉, ⌈√n⌉+1, … */
function fermatFactor(n: bigint, rounds: number): [bigint, bigint] | undefined {
  let a = isqrt(n);
  if (a * a < n) a += 1n;
  let b2 = a * a - n;
  for (let round = 0; round < rounds; round++) {
    if (isSquare(b2)) {
      const b = isqrt(b2);
      return [a - b, a + b];
    }
    b2 += 2n * a + 1n;
    a += 1n;
  }
  return undefined;
}

// ROCA (CVE-2017-15361, Nemec et al., CCS 2017): Infineon primes are k·M + (65537^a mod M) with M a
// primorial, so for every small prime r | M the modulus mod r lies in the subgroup 65537 generates in
// (Z/r)*. The fingerprint is the detector's (crocs-muni/roca detect.py): the primes 3…167, all must match.
// A random modulus matches all 38 with probability about 2^-154.
const ROCA_PRIMES = primesBelow(168).slice(1);
const ROCA_SUBGROUPS = ROCA_PRIMES.map((r) => {
  const members = new Set<number>();
  for (let g = 65537 % r, x = g; !members.has(x); x = (x * g) % r) members.add(x);
  return members;
});

export function hasRocaFingerprint(n: bigint): boolean {
  return ROCA_PRIMES.every((r, i) => ROCA_SUBGROUPS[i].has(Number(n % BigInt(r))));
}

/** Why this RSA public key must not be certified or trusted, or undefined. */
export function rsaWeakness(modulus: bigint, exponent: bigint): string | undefined {
  const bits = bitLength(modulus);
  if (bits < 2048) return `RSA keys need at least 2048 bits (this one has ${bits})`;
  if (bits % 8 !== 0) return `the RSA modulus must be a whole number of octets (CA/B BR §6.1.5); this one has ${bits} bits`;
  if (exponent % 2n === 0n || exponent < MIN_EXPONENT || exponent > MAX_EXPONENT) {
    const shown = exponent < 2n ** 64n ? exponent.toString() : `a ${bitLength(exponent)}-bit number`;
    return `the RSA public exponent must be odd and between 2^16+1 and 2^256−1 (CA/B BR §6.1.6); this one is ${shown}`;
  }
  if (modulus % 2n === 0n) return "the RSA modulus is even (CA/B BR §6.1.6: it must be odd)";
  const factor = smallestSmallFactor(modulus);
  if (factor !== undefined) return `the RSA modulus has the small prime factor ${factor} (CA/B BR §6.1.6: none below 752)`;
  const power = perfectPowerExponent(modulus);
  if (power !== undefined) return `the RSA modulus is a perfect power (m^${power}), not a product of distinct primes (CA/B BR §6.1.6)`;
  if (fermatFactor(modulus, FERMAT_ROUNDS)) return `the RSA modulus factors by Fermat's method within ${FERMAT_ROUNDS} rounds: its primes are too close (CA/B BR §6.1.1.3)`;
  if (hasRocaFingerprint(modulus)) return "the RSA key has the ROCA fingerprint of Infineon's weak key generation (CVE-2017-15361); generate a new key elsewhere";
  return undefined;
}

export { fermatFactor, perfectPowerExponent };
