// BigInt arithmetic for checking outside public keys before any native call sees them.

export function bigIntFromBytes(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
}

export function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

export function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** floor(sqrt(n)) by Newton's method from an overestimate. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

// Quadratic residues mod 64, 63, 65 and 11 reject ~99% of non-squares before the isqrt (Cohen, §1.7.2).
const residues = (m: number) => {
  const set = new Array<boolean>(m).fill(false);
  for (let i = 0; i < m; i++) set[(i * i) % m] = true;
  return set;
};
const Q64 = residues(64);
const Q63 = residues(63);
const Q65 = residues(65);
const Q11 = residues(11);

export function isSquare(n: bigint): boolean {
  if (n < 0n) return false;
  if (!Q64[Number(n & 63n)]) return false;
  const r = Number(n % 45045n); // 63 · 65 · 11
  if (!Q63[r % 63] || !Q65[r % 65] || !Q11[r % 11]) return false;
  const s = isqrt(n);
  return s * s === n;
}

/**
 * floor(n^(1/k)) for k ≥ 2. Newton from a floating-point estimate good to ~40 bits, lifted above
 * the root, so each step doubles the correct bits (a power-of-two start would crawl for large k).
 */
export function iroot(n: bigint, k: number): bigint {
  if (k === 2) return isqrt(n);
  if (n < 2n) return n;
  const bits = bitLength(n);
  const shift = Math.max(0, bits - 64);
  const log2n = shift + Math.log2(Number(n >> BigInt(shift)));
  const rootLog = log2n / k;
  let x: bigint;
  if (rootLog < 50) x = BigInt(Math.ceil(2 ** rootLog)) + 2n;
  else {
    const whole = Math.floor(rootLog) - 52;
    x = (BigInt(Math.ceil(2 ** (rootLog - whole))) + 2n) << BigInt(whole);
  }
  // The estimate is good to ~40 bits (log2 of n in a double); lift it clearly above the root so Newton descends.
  x += (x >> 30n) + 2n;
  const K = BigInt(k);
  for (;;) {
    const y = ((K - 1n) * x + n / x ** (K - 1n)) / K;
    if (y >= x) break;
    x = y;
  }
  // Newton from above lands on floor(root) unless the estimate was below it; settle either way.
  while (x ** K > n) x -= 1n;
  while ((x + 1n) ** K <= n) x += 1n;
  return x;
}

export function primesBelow(limit: number): number[] {
  const sieve = new Uint8Array(limit);
  const out: number[] = [];
  for (let i = 2; i < limit; i++) {
    if (sieve[i]) continue;
    out.push(i);
    for (let j = i * i; j < limit; j += i) sieve[j] = 1;
  }
  return out;
}
