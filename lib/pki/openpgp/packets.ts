// The few OpenPGP (RFC 4880) structures a store signing key needs, encoded by hand. openpgp.js cannot
// be used here: it signs only with a private key it holds itself, and Signet's keys may live in a
// PKCS#11 token behind the Signer interface. So the key packet, the user ID, the signature packets and
// the ASCII armor are written below, and openpgp.js, gpgv and Go's verifiers check them in the tests.
import { PublicKeyError, readPublicKey } from "../keys/check-public-key";
import crypto from "node:crypto";
import { children, contentOf, oidToString, readRoot } from "../der-read";
import { OID, type HashName, type KeyAlgorithm } from "../signer";

export class OpenPgpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OpenPgpError";
  }
}

/** RFC 4880 §9.1 / RFC 6637 §5: the public-key algorithm IDs we emit (never 22, EdDSA: Go's x/crypto/openpgp rejects it). */
export const PUBKEY_ALGO = { rsa: 1, ecdsa: 19 } as const;
/** RFC 4880 §9.4. */
export const HASH_ALGO: Record<HashName, number> = { sha256: 8, sha384: 9, sha512: 10 };
export const HASH_BY_ID: Record<number, HashName> = { 8: "sha256", 9: "sha384", 10: "sha512" };
/** RFC 4880 §5.2.1. */
export const SIG_TYPE = { binary: 0x00, text: 0x01, positiveCertification: 0x13, keyRevocation: 0x20 } as const;
/** RFC 4880 §4.3. */
export const PACKET_TAG = { signature: 2, publicKey: 6, userId: 13 } as const;
/** RFC 4880 §5.2.3.1, RFC 4880bis §5.2.3.28 (issuer fingerprint). */
export const SUBPACKET = {
  creationTime: 2,
  issuerKeyId: 16,
  preferredHash: 21,
  primaryUserId: 25,
  reasonForRevocation: 29,
  keyFlags: 27,
  features: 30,
  issuerFingerprint: 33,
} as const;

// RFC 6637 §11: the curve OID is written without its DER tag and length.
export const CURVE_OID: Record<"ecdsa-p256" | "ecdsa-p384", Buffer> = {
  "ecdsa-p256": Buffer.from("2a8648ce3d030107", "hex"),
  "ecdsa-p384": Buffer.from("2b81040022", "hex"),
};

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

/** RFC 4880 §3.2: a big-endian integer prefixed with its length in bits, leading zero octets removed. */
export function mpi(magnitude: Uint8Array): Buffer {
  let i = 0;
  while (i < magnitude.length && magnitude[i] === 0) i++;
  const bytes = Buffer.from(magnitude.subarray(i));
  const bits = bytes.length === 0 ? 0 : (bytes.length - 1) * 8 + (32 - Math.clz32(bytes[0]));
  return Buffer.concat([u16(bits), bytes]);
}

/** RFC 4880 §4.2.2: a new-format packet header with the one-, two- or five-octet length. */
export function packet(tag: number, body: Uint8Array): Buffer {
  const len = body.length;
  let length: Buffer;
  if (len < 192) length = Buffer.from([len]);
  else if (len < 8384) length = Buffer.from([((len - 192) >> 8) + 192, (len - 192) & 0xff]);
  else length = Buffer.concat([Buffer.from([0xff]), u32(len)]);
  return Buffer.concat([Buffer.from([0xc0 | tag]), length, body]);
}

/** RFC 4880 §5.2.3.1: one subpacket (never flagged critical: verifiers must ignore what they do not know). */
export function subpacket(type: number, data: Uint8Array): Buffer {
  const len = data.length + 1;
  const length = len < 192 ? Buffer.from([len]) : Buffer.from([((len - 192) >> 8) + 192, (len - 192) & 0xff]);
  return Buffer.concat([length, Buffer.from([type]), data]);
}

/** Key creation and signature times: whole seconds since the epoch, as RFC 4880 §3.5 stores them. */
export function pgpTime(date: Date, what: string): number {
  const ms = date.getTime();
  if (!Number.isFinite(ms) || ms % 1000 !== 0) throw new OpenPgpError(`${what} must be a whole second`);
  const s = ms / 1000;
  if (s <= 0 || s > 0xffffffff) throw new OpenPgpError(`${what} is outside the range OpenPGP can store`);
  return s;
}

export type KeyMaterial = { algorithm: KeyAlgorithm; pubkeyAlgo: number; fields: Buffer };

/** The algorithm-specific public key fields (RFC 4880 §5.5.2, RFC 6637 §9) from a DER SubjectPublicKeyInfo. */
export function keyMaterialFromSpki(spki: Uint8Array): KeyMaterial {
  // Parsed by our strict DER reader, never by node:crypto: reading details of a hostile EC key can abort Node.
  // The one validator of outside keys judges the mathematics (point on the curve, sane RSA) first.
  try {
    readPublicKey(spki);
  } catch (err) {
    // An algorithm or curve outside the validator's set is refused below, in OpenPGP's words.
    if (!(err instanceof PublicKeyError)) throw err;
    if (err.code !== "unsupported_key") throw new OpenPgpError(`The public key is refused: ${err.message}`);
  }
  let algOid: string;
  let params: string | undefined;
  let bits: Uint8Array;
  try {
    const der = Buffer.from(spki);
    const root = readRoot(der, 0x30);
    const [algId, bitString] = children(der, root);
    if (!algId || !bitString || bitString.tag !== 0x03) throw new Error("not a SubjectPublicKeyInfo");
    const [oidTlv, paramTlv] = children(der, algId);
    algOid = oidToString(contentOf(der, oidTlv));
    params = paramTlv && paramTlv.tag === 0x06 ? oidToString(contentOf(der, paramTlv)) : undefined;
    const content = contentOf(der, bitString);
    if (content[0] !== 0) throw new Error("unused bits in the key");
    bits = content.subarray(1);
  } catch (err) {
    throw new OpenPgpError(`The public key is not a readable SubjectPublicKeyInfo: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (algOid === OID.ecPublicKey) {
    const algorithm = params === OID.secp256r1 ? "ecdsa-p256" : params === OID.secp384r1 ? "ecdsa-p384" : undefined;
    if (!algorithm) throw new OpenPgpError("Only NIST P-256 and P-384 ECDSA keys are accepted for OpenPGP");
    const size = algorithm === "ecdsa-p256" ? 32 : 48;
    if (bits.length !== 1 + 2 * size || bits[0] !== 0x04) throw new OpenPgpError("The EC public key must be an uncompressed point");
    const curve = CURVE_OID[algorithm];
    // The point is written as an MPI whose top byte is 0x04, so its bit count is 8·len − 5.
    return { algorithm, pubkeyAlgo: PUBKEY_ALGO.ecdsa, fields: Buffer.concat([Buffer.from([curve.length]), curve, mpi(bits)]) };
  }
  if (algOid === OID.rsaEncryption) {
    let n: Uint8Array;
    let e: Uint8Array;
    try {
      const key = Buffer.from(bits);
      const seq = readRoot(key, 0x30);
      const [nTlv, eTlv] = children(key, seq);
      if (!nTlv || !eTlv || nTlv.tag !== 0x02 || eTlv.tag !== 0x02) throw new Error("not an RSAPublicKey");
      n = contentOf(key, nTlv);
      e = contentOf(key, eTlv);
    } catch (err) {
      throw new OpenPgpError(`The RSA public key is unreadable: ${err instanceof Error ? err.message : String(err)}`);
    }
    const modulusBits = mpi(n).readUInt16BE(0);
    const algorithm = ({ 2048: "rsa-2048", 3072: "rsa-3072", 4096: "rsa-4096" } as const)[modulusBits as 2048 | 3072 | 4096];
    // FORMATS.md §5: a store key is RSA ≥ 3072; 2048 stays a Signet algorithm for X.509 only.
    if (algorithm !== "rsa-3072" && algorithm !== "rsa-4096") throw new OpenPgpError(`An OpenPGP store key must be RSA-3072 or RSA-4096, not a ${modulusBits}-bit modulus`);
    return { algorithm, pubkeyAlgo: PUBKEY_ALGO.rsa, fields: Buffer.concat([mpi(n), mpi(e)]) };
  }
  throw new OpenPgpError("Only RSA and ECDSA keys can be OpenPGP store keys");
}

/** RFC 4880 §5.5.2: the body of a version 4 public key packet. */
export function publicKeyBody(material: KeyMaterial, createdAt: Date): Buffer {
  return Buffer.concat([Buffer.from([4]), u32(pgpTime(createdAt, "The key creation time")), Buffer.from([material.pubkeyAlgo]), material.fields]);
}

/** RFC 4880 §12.2: the v4 fingerprint is SHA-1 over 0x99, a two-octet length and the key packet body; the key ID is its low 64 bits. */
export function fingerprintOf(keyBody: Uint8Array): Buffer {
  return crypto.createHash("sha1").update(keyHashPrefix(keyBody)).update(keyBody).digest();
}

export function keyHashPrefix(keyBody: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([0x99]), u16(keyBody.length)]);
}

/** The signature's MPIs from what the Signer returns: the raw PKCS#1 block, or DER ECDSA-Sig-Value (r, s). */
export function signatureMpis(algorithm: KeyAlgorithm, signature: Uint8Array): Buffer {
  if (algorithm.startsWith("rsa-")) return mpi(signature);
  const der = Buffer.from(signature);
  const seq = readRoot(der, 0x30);
  const ints = children(der, seq);
  if (ints.length !== 2 || ints.some((t) => t.tag !== 0x02)) throw new OpenPgpError("The signer returned a malformed ECDSA signature");
  return Buffer.concat(ints.map((t) => mpi(contentOf(der, t))));
}

/** ECDSA MPIs (r, s) back to the DER form node:crypto verifies. */
export function ecdsaDerFromMpis(r: Uint8Array, s: Uint8Array): Buffer {
  const int = (v: Uint8Array) => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    const m = Buffer.from(v.subarray(i));
    const body = m[0] & 0x80 ? Buffer.concat([Buffer.from([0]), m]) : m;
    return Buffer.concat([Buffer.from([0x02, body.length]), body]);
  };
  const body = Buffer.concat([int(r), int(s)]);
  return Buffer.concat([Buffer.from([0x30]), body.length < 128 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]), body]);
}

// ---- ASCII armor (RFC 4880 §6) ----

/** RFC 4880 §6.1: CRC-24 with generator 0x864CFB, initialized to 0xB704CE. */
export function crc24(data: Uint8Array): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

export type ArmorType = "PGP PUBLIC KEY BLOCK" | "PGP SIGNATURE";

export function armor(type: ArmorType, data: Uint8Array): string {
  const b64 = Buffer.from(data).toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  const crc = Buffer.from([(crc24(data) >> 16) & 0xff, (crc24(data) >> 8) & 0xff, crc24(data) & 0xff]).toString("base64");
  return `-----BEGIN ${type}-----\n\n${lines.join("\n")}\n=${crc}\n-----END ${type}-----\n`;
}

/** Reads one armored block of `type` (header lines allowed, checksum checked when present). */
export function dearmor(type: ArmorType, text: string): Buffer {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const begin = lines.findIndex((l) => l.trimEnd() === `-----BEGIN ${type}-----`);
  if (begin < 0) throw new OpenPgpError(`No '${type}' armor found`);
  let i = begin + 1;
  while (i < lines.length && lines[i].trim() !== "") {
    if (!/^[A-Za-z][A-Za-z0-9-]*: /.test(lines[i])) throw new OpenPgpError("Malformed armor header");
    i++;
  }
  i++;
  const body: string[] = [];
  let checksum: string | undefined;
  for (; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === `-----END ${type}-----`) {
      const data = Buffer.from(body.join(""), "base64");
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body.join(""))) throw new OpenPgpError("Armor body is not base64");
      if (checksum !== undefined) {
        const c = crc24(data);
        if (Buffer.from([(c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff]).toString("base64") !== checksum) throw new OpenPgpError("Armor checksum mismatch");
      }
      return data;
    }
    if (line.startsWith("=") && line.length === 5) checksum = line.slice(1);
    else body.push(line);
  }
  throw new OpenPgpError(`Unterminated '${type}' armor`);
}
