// Checking OpenPGP v4 signatures by Signet's own store keys (for Signet's `verify` of what it signed):
// the cleartext framework of RFC 4880 §7 and one signature packet (§5.2.3). Only what Signet emits is
// accepted — v4, RSA or ECDSA, SHA-256/384/512, the key named by its issuer — everything else is refused
// with a reason, never guessed at.
import { importPublicKey, readPublicKey } from "../keys/check-public-key";
import crypto from "node:crypto";
import { HASH_BY_ID, OpenPgpError, PACKET_TAG, SUBPACKET, dearmor, ecdsaDerFromMpis, fingerprintOf, keyMaterialFromSpki, publicKeyBody, u32 } from "./packets";
import { canonicalCleartext, type OpenPgpKeyRef } from "./sign";

export type ParsedSignature = {
  sigType: number;
  pubkeyAlgo: number;
  hash: "sha256" | "sha384" | "sha512";
  createdAt: Date;
  /** Signature expiration (RFC 4880 §5.2.3.10): seconds after creation. */
  expiresAfterSeconds?: number;
  issuerKeyId?: string;
  issuerFingerprint?: string;
  /** Version through hashed subpackets: what the trailer covers. */
  hashedHead: Buffer;
  left16: Buffer;
  mpis: Buffer[];
};

function readPacket(bytes: Buffer): { tag: number; body: Buffer; rest: Buffer } {
  if (bytes.length < 2) throw new OpenPgpError("Truncated OpenPGP packet");
  const first = bytes[0];
  if (!(first & 0x80)) throw new OpenPgpError("Not an OpenPGP packet");
  let tag: number;
  let len: number;
  let pos: number;
  if (first & 0x40) {
    tag = first & 0x3f;
    const l0 = bytes[1];
    if (l0 < 192) [len, pos] = [l0, 2];
    else if (l0 < 224) {
      if (bytes.length < 3) throw new OpenPgpError("Truncated OpenPGP packet");
      [len, pos] = [((l0 - 192) << 8) + bytes[2] + 192, 3];
    }
    else if (l0 === 255) [len, pos] = [bytes.readUInt32BE(2), 6];
    else throw new OpenPgpError("Partial-length OpenPGP packets are not accepted here");
  } else {
    tag = (first >> 2) & 0x0f;
    const type = first & 3;
    if (type === 0) [len, pos] = [bytes[1], 2];
    else if (type === 1) [len, pos] = [bytes.readUInt16BE(1), 3];
    else if (type === 2) [len, pos] = [bytes.readUInt32BE(1), 5];
    else throw new OpenPgpError("Indeterminate-length OpenPGP packets are not accepted here");
  }
  if (pos + len > bytes.length) throw new OpenPgpError("Truncated OpenPGP packet");
  return { tag, body: bytes.subarray(pos, pos + len), rest: bytes.subarray(pos + len) };
}

function readSubpackets(area: Buffer, hashed: boolean, out: Partial<ParsedSignature>): void {
  let pos = 0;
  while (pos < area.length) {
    const l0 = area[pos];
    let len: number;
    if (l0 < 192) [len, pos] = [l0, pos + 1];
    else if (l0 < 255) [len, pos] = [((l0 - 192) << 8) + area[pos + 1] + 192, pos + 2];
    else [len, pos] = [area.readUInt32BE(pos + 1), pos + 5];
    if (len < 1 || pos + len > area.length) throw new OpenPgpError("Malformed signature subpacket");
    const type = area[pos] & 0x7f;
    const critical = (area[pos] & 0x80) !== 0;
    const data = area.subarray(pos + 1, pos + len);
    pos += len;
    switch (type) {
      case SUBPACKET.creationTime:
        if (hashed && data.length === 4) out.createdAt = new Date(data.readUInt32BE(0) * 1000);
        break;
      case 3: // signature expiration time, seconds after creation
        if (hashed && data.length === 4 && data.readUInt32BE(0) !== 0) out.expiresAfterSeconds = data.readUInt32BE(0);
        break;
      case SUBPACKET.issuerKeyId:
        if (data.length === 8) out.issuerKeyId = data.toString("hex");
        break;
      case SUBPACKET.issuerFingerprint:
        if (data.length === 21 && data[0] === 4) out.issuerFingerprint = data.subarray(1).toString("hex");
        break;
      default:
        // RFC 4880 §5.2.3.1: an unknown critical subpacket makes the signature invalid.
        if (critical) throw new OpenPgpError(`The signature has a critical subpacket of unknown type ${type}`);
    }
  }
}

/** Parses exactly one v4 signature packet; any malformation is an OpenPgpError. */
export function parseSignature(bytes: Uint8Array): ParsedSignature {
  try {
    return parseSignatureUnchecked(bytes);
  } catch (err) {
    // Buffer reads past the end throw RangeError: for hostile bytes that is just a truncated packet.
    if (err instanceof RangeError) throw new OpenPgpError("Truncated OpenPGP signature");
    throw err;
  }
}

function parseSignatureUnchecked(bytes: Uint8Array): ParsedSignature {
  const { tag, body, rest } = readPacket(Buffer.from(bytes));
  if (tag !== PACKET_TAG.signature) throw new OpenPgpError("Not an OpenPGP signature packet");
  if (rest.length !== 0) throw new OpenPgpError("Bytes follow the signature packet");
  if (body.length < 6 || body[0] !== 4) throw new OpenPgpError("Only version 4 signatures are accepted");
  const hash = HASH_BY_ID[body[3]];
  if (!hash) throw new OpenPgpError(`Hash algorithm ${body[3]} is not accepted (SHA-256, SHA-384, SHA-512 only)`);
  const hashedLen = body.readUInt16BE(4);
  if (6 + hashedLen + 2 > body.length) throw new OpenPgpError("Truncated signature packet");
  const hashedHead = body.subarray(0, 6 + hashedLen);
  const unhashedLen = body.readUInt16BE(6 + hashedLen);
  let pos = 8 + hashedLen;
  if (pos + unhashedLen + 2 > body.length) throw new OpenPgpError("Truncated signature packet");
  const out: Partial<ParsedSignature> = {};
  readSubpackets(body.subarray(6, 6 + hashedLen), true, out);
  readSubpackets(body.subarray(pos, pos + unhashedLen), false, out);
  pos += unhashedLen;
  const left16 = body.subarray(pos, pos + 2);
  pos += 2;
  const mpis: Buffer[] = [];
  while (pos < body.length) {
    if (pos + 2 > body.length) throw new OpenPgpError("Truncated MPI");
    const bits = body.readUInt16BE(pos);
    const bytesLen = Math.ceil(bits / 8);
    if (pos + 2 + bytesLen > body.length) throw new OpenPgpError("Truncated MPI");
    const value = body.subarray(pos + 2, pos + 2 + bytesLen);
    // RFC 4880 §3.2: the bit count is exact. Accepting any count that rounds to the same octets would
    // let one signature be re-encoded into several byte strings that all verify.
    if (bits === 0 || (bits - 1) % 8 !== 7 - Math.clz32(value[0]) + 24) throw new OpenPgpError("An MPI's bit count is not exact");
    mpis.push(value);
    pos += 2 + bytesLen;
  }
  if (!out.createdAt) throw new OpenPgpError("The signature has no hashed creation time");
  return { sigType: body[1], pubkeyAlgo: body[2], hash, createdAt: out.createdAt, expiresAfterSeconds: out.expiresAfterSeconds, issuerKeyId: out.issuerKeyId, issuerFingerprint: out.issuerFingerprint, hashedHead, left16, mpis };
}

/**
 * The packets of a detached signature file that may hold several (Mattermost's .sig during a key overlap:
 * one signature per key, concatenated). Each comes back whole, header included, for parseSignature.
 */
export function splitSignaturePackets(bytes: Uint8Array, max = 8): Uint8Array[] {
  const packets = splitPackets(bytes, max);
  for (const p of packets) if (readPacket(Buffer.from(p)).tag !== PACKET_TAG.signature) throw new OpenPgpError("The file holds a packet that is not a signature");
  return packets;
}

/** The packets of a binary OpenPGP file (each whole, header included), with their tags. */
export function splitPackets(bytes: Uint8Array, max = 64): Uint8Array[] {
  const packets: Uint8Array[] = [];
  let rest: Buffer = Buffer.from(bytes);
  try {
    while (rest.length > 0) {
      if (packets.length === max) throw new OpenPgpError(`More than ${max} packets in one file`);
      const next = readPacket(rest).rest;
      packets.push(new Uint8Array(rest.subarray(0, rest.length - next.length)));
      rest = next;
    }
  } catch (err) {
    if (err instanceof RangeError) throw new OpenPgpError("Truncated OpenPGP signature");
    throw err;
  }
  if (packets.length === 0) throw new OpenPgpError("The OpenPGP file is empty");
  return packets;
}

export function packetTagAndBody(packet: Uint8Array): { tag: number; body: Buffer } {
  const { tag, body } = readPacket(Buffer.from(packet));
  return { tag, body };
}

export type VerifiedSignature = { keyId: string; fingerprint: string; createdAt: Date; hash: string };

/**
 * Verifies a detached v4 signature over `data` (already canonical for text signatures) by the key whose
 * ID the signature names. Refuses a signature from the future, one that predates its key, or an expired one.
 */
export function verifyDetached(input: { signature: Uint8Array; data: Uint8Array; key: OpenPgpKeyRef; now: Date; sigType?: number }): VerifiedSignature {
  const sig = parseSignature(input.signature);
  const material = keyMaterialFromSpki(input.key.spki);
  const body = publicKeyBody(material, input.key.createdAt);
  const fingerprint = fingerprintOf(body);
  const keyId = fingerprint.subarray(12).toString("hex");
  if (sig.issuerKeyId !== undefined && sig.issuerKeyId !== keyId) throw new OpenPgpError(`The signature names key ${sig.issuerKeyId}, not ${keyId}`);
  if (sig.issuerFingerprint !== undefined && sig.issuerFingerprint !== fingerprint.toString("hex")) throw new OpenPgpError("The signature's issuer fingerprint is another key's");
  if (sig.issuerKeyId === undefined && sig.issuerFingerprint === undefined) throw new OpenPgpError("The signature names no issuer");
  if (input.sigType !== undefined && sig.sigType !== input.sigType) throw new OpenPgpError(`Signature type 0x${sig.sigType.toString(16)} where 0x${input.sigType.toString(16)} is expected`);
  if (sig.pubkeyAlgo !== material.pubkeyAlgo) throw new OpenPgpError("The signature's algorithm is not the key's");
  if (sig.createdAt.getTime() > input.now.getTime()) throw new OpenPgpError("The signature is dated in the future");
  if (sig.createdAt.getTime() < input.key.createdAt.getTime()) throw new OpenPgpError("The signature predates its key");
  if (input.key.createdAt.getTime() > input.now.getTime()) throw new OpenPgpError("The key is dated in the future");
  if (sig.expiresAfterSeconds !== undefined && sig.createdAt.getTime() + sig.expiresAfterSeconds * 1000 <= input.now.getTime()) throw new OpenPgpError("The signature has expired");
  const trailer = Buffer.concat([sig.hashedHead, Buffer.from([0x04, 0xff]), u32(sig.hashedHead.length)]);
  const digest = crypto.createHash(sig.hash).update(input.data).update(trailer).digest();
  if (!digest.subarray(0, 2).equals(sig.left16)) throw new OpenPgpError("The signature does not match the data (hash prefix differs)");
  // keyMaterialFromSpki above already ran the outside-key validator on these bytes.
  const publicKey = importPublicKey(readPublicKey(input.key.spki));
  let signatureBytes: Buffer;
  if (material.algorithm.startsWith("rsa-")) {
    if (sig.mpis.length !== 1) throw new OpenPgpError("An RSA signature has one MPI");
    const size = Number(material.algorithm.slice(4)) / 8;
    if (sig.mpis[0].length > size) throw new OpenPgpError("The RSA signature is longer than the modulus");
    signatureBytes = Buffer.concat([Buffer.alloc(size - sig.mpis[0].length), sig.mpis[0]]);
  } else {
    if (sig.mpis.length !== 2) throw new OpenPgpError("An ECDSA signature has two MPIs");
    signatureBytes = ecdsaDerFromMpis(sig.mpis[0], sig.mpis[1]);
  }
  const ok = crypto.createVerify(sig.hash).update(input.data).update(trailer).verify(publicKey, signatureBytes);
  if (!ok) throw new OpenPgpError("The signature does not verify");
  return { keyId, fingerprint: fingerprint.toString("hex"), createdAt: sig.createdAt, hash: sig.hash };
}

export type Cleartext = {
  /** The signed text, dash-escaping removed, LF line endings (what a reader sees). */
  text: string;
  /** The bytes the signature covers (RFC 4880 §7.1). */
  signed: Buffer;
  hashes: string[];
  signature: Buffer;
};

/** Splits an RFC 4880 §7 cleartext-signed message; throws OpenPgpError if it is not one. */
export function parseCleartext(message: string): Cleartext {
  const lines = message.replace(/\r\n/g, "\n").split("\n");
  let i = 0;
  while (i < lines.length && lines[i].trim() === "") i++;
  if (lines[i]?.trimEnd() !== "-----BEGIN PGP SIGNED MESSAGE-----") throw new OpenPgpError("Not a cleartext-signed message");
  i++;
  const hashes: string[] = [];
  for (; i < lines.length && lines[i].trim() !== ""; i++) {
    const m = /^Hash: (.+)$/.exec(lines[i].trimEnd());
    if (!m) throw new OpenPgpError(`Unexpected armor header '${lines[i].slice(0, 40)}'`);
    hashes.push(...m[1].split(",").map((h) => h.trim().toUpperCase()));
  }
  i++;
  const body: string[] = [];
  for (; i < lines.length; i++) {
    if (lines[i].trimEnd() === "-----BEGIN PGP SIGNATURE-----") break;
    const line = lines[i];
    if (line.startsWith("- ")) body.push(line.slice(2));
    else if (line.startsWith("-")) throw new OpenPgpError("A line starts with '-' without dash-escaping");
    else body.push(line);
  }
  if (i >= lines.length) throw new OpenPgpError("The cleartext message has no signature");
  const signature = dearmor("PGP SIGNATURE", lines.slice(i).join("\n"));
  const text = body.join("\n");
  return { text, signed: canonicalCleartext(text), hashes, signature };
}
