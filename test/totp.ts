// RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits) computed with node:crypto from an otpauth:// URI, as an
// authenticator app would: the test does not use the identity library's own code generator.
import crypto from "node:crypto";

function base32Decode(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of text.replace(/=+$/, "").toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    bits += v.toString(2).padStart(5, "0");
  }
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

export function secretFromUri(uri: string): Buffer {
  const url = new URL(uri);
  if (url.protocol !== "otpauth:") throw new Error(`not an otpauth URI: ${uri}`);
  return base32Decode(url.searchParams.get("secret") ?? "");
}

/** RFC 4226 §5.3 dynamic truncation over the RFC 6238 time step. */
export function totp(secret: Buffer, at = Date.now(), step = 30, digits = 6): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / step)));
  const mac = crypto.createHmac("sha1", secret).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(code).padStart(digits, "0");
}
