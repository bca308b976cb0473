// Public-key validation for the NIST prime curves we accept (SP 800-56A Rev. 3 §5.6.2.3.3, RFC 5480 §2.2).
// Both have cofactor 1, so a point that is on the curve and not the identity is in the prime-order group.
import { bigIntFromBytes } from "./bigint";

export type CurveName = "P-256" | "P-384";

type Curve = { name: CurveName; oid: string; bytes: number; p: bigint; b: bigint };

// FIPS 186-5 / SP 800-186 §3.2.1: y² = x³ − 3x + b over GF(p).
export const CURVES: Readonly<Record<string, Curve>> = {
  "1.2.840.10045.3.1.7": {
    name: "P-256",
    oid: "1.2.840.10045.3.1.7",
    bytes: 32,
    p: 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
  },
  "1.3.132.0.34": {
    name: "P-384",
    oid: "1.3.132.0.34",
    bytes: 48,
    p: 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
  },
};

/** Why `point` (the ECPoint octets of an SPKI) is not a valid public key on `curve`, or undefined. */
export function ecPointProblem(curve: Curve, point: Uint8Array): string | undefined {
  if (point.length === 0) return "the EC point is empty";
  const form = point[0];
  // SEC 1 §2.3.3: a single 0x00 octet is the point at infinity, which is nobody's public key.
  if (form === 0x00) return "the EC point is the point at infinity";
  if (form === 0x02 || form === 0x03) return "compressed EC points are refused (RFC 5480 §2.2: the uncompressed form is the one required)";
  if (form === 0x06 || form === 0x07) return "hybrid EC points are refused (RFC 5480 §2.2)";
  if (form !== 0x04) return `the EC point has an unknown form 0x${form.toString(16).padStart(2, "0")}`;
  if (point.length !== 1 + 2 * curve.bytes) return `an uncompressed ${curve.name} point is ${1 + 2 * curve.bytes} octets, this one has ${point.length}`;
  const x = bigIntFromBytes(point.subarray(1, 1 + curve.bytes));
  const y = bigIntFromBytes(point.subarray(1 + curve.bytes));
  const { p, b } = curve;
  if (x >= p || y >= p) return `an EC coordinate is not below the ${curve.name} field prime`;
  const lhs = (y * y) % p;
  const rhs = (((x * x) % p) * x - 3n * x + b) % p;
  if (lhs !== (rhs + p) % p) return `the EC point is not on ${curve.name}`;
  return undefined;
}
