// Serial numbers (RFC 5280 §4.1.2.2; CA/B BR 7.1): positive, ≤ 20 octets, ≥ 64 bits from a CSPRNG.
import crypto from "node:crypto";

/** 16 random bytes with the top bit cleared (positive) and a nonzero first byte (no DER trimming). */
export function randomSerial(): Uint8Array {
  const bytes = crypto.randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return new Uint8Array(bytes);
}

/** Lowercase hex without leading zero octets (how openssl and our URLs show a serial). */
export function serialToHex(serial: Uint8Array): string {
  let start = 0;
  while (start < serial.length - 1 && serial[start] === 0) start++;
  return Buffer.from(serial.subarray(start)).toString("hex");
}

export function serialFromHex(hex: string): Uint8Array {
  const clean = hex.toLowerCase().replace(/[^0-9a-f]/g, "");
  return new Uint8Array(Buffer.from(clean.length % 2 ? `0${clean}` : clean, "hex"));
}
