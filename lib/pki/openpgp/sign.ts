// OpenPGP v4 signatures made through Signet's one Signer (software key or PKCS#11 token): the data and
// the signature trailer of RFC 4880 §5.2.4 are streamed into Signer.signParts, which returns the
// PKCS#1 v1.5 block or the ECDSA (r, s) that become the packet's MPIs.
import crypto from "node:crypto";
import type { HashName, Signer } from "../signer";
import {
  HASH_ALGO,
  OpenPgpError,
  PACKET_TAG,
  SIG_TYPE,
  SUBPACKET,
  armor,
  fingerprintOf,
  keyHashPrefix,
  keyMaterialFromSpki,
  packet,
  pgpTime,
  publicKeyBody,
  signatureMpis,
  subpacket,
  u32,
} from "./packets";

/** What identifies a store signing key in OpenPGP: its SPKI and the creation time fixed when it was made. */
export type OpenPgpKeyRef = {
  /** DER SubjectPublicKeyInfo (the Signer's publicKeySpki). */
  spki: Uint8Array;
  /** Part of the fingerprint: fixed once at key creation, whole seconds. */
  createdAt: Date;
};

export type OpenPgpPublicKey = {
  /** Transferable public key: key packet, user ID, positive self-certification. */
  binary: Uint8Array;
  armored: string;
  /** 40 lowercase hex. */
  fingerprint: string;
  /** 16 lowercase hex: the low 64 bits of the fingerprint (what Grafana's manifest `keyId` names). */
  keyId: string;
  createdAt: Date;
};

type Parts = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

function keyPacketBody(key: OpenPgpKeyRef, signer?: Signer) {
  const material = keyMaterialFromSpki(key.spki);
  if (signer && !Buffer.from(signer.publicKeySpki).equals(Buffer.from(key.spki))) {
    throw new OpenPgpError("The signer does not hold the private half of this OpenPGP key");
  }
  const body = publicKeyBody(material, key.createdAt);
  const fingerprint = fingerprintOf(body);
  return { material, body, fingerprint, keyId: fingerprint.subarray(12) };
}

/** The fingerprint and key ID a key has in OpenPGP (no signer needed). */
export function openpgpKeyIds(key: OpenPgpKeyRef): { fingerprint: string; keyId: string } {
  const k = keyPacketBody(key);
  return { fingerprint: k.fingerprint.toString("hex"), keyId: k.keyId.toString("hex") };
}

/**
 * Builds and signs one v4 signature packet over `prefix` (streamed) and the RFC 4880 §5.2.4 trailer.
 * Issuer key ID and fingerprint sit in the hashed area so they are covered by the signature.
 */
async function signaturePacket(input: {
  signer: Signer;
  key: ReturnType<typeof keyPacketBody>;
  sigType: number;
  hash: HashName;
  createdAt: Date;
  extraHashed?: Buffer[];
  data: Parts;
}): Promise<Buffer> {
  const { signer, key } = input;
  const hashed = Buffer.concat([
    subpacket(SUBPACKET.creationTime, u32(pgpTime(input.createdAt, "The signature time"))),
    subpacket(SUBPACKET.issuerFingerprint, Buffer.concat([Buffer.from([4]), key.fingerprint])),
    subpacket(SUBPACKET.issuerKeyId, key.keyId),
    ...(input.extraHashed ?? []),
  ]);
  if (hashed.length > 0xffff) throw new OpenPgpError("Too many hashed subpackets");
  const head = Buffer.concat([Buffer.from([4, input.sigType, key.material.pubkeyAlgo, HASH_ALGO[input.hash]]), Buffer.from([hashed.length >> 8, hashed.length & 0xff]), hashed]);
  const trailer = Buffer.concat([head, Buffer.from([0x04, 0xff]), u32(head.length)]);
  // The packet needs the hash's first two octets too, so the same stream is hashed beside the Signer.
  const digest = crypto.createHash(input.hash);
  async function* tee(): AsyncGenerator<Uint8Array> {
    for await (const part of input.data) {
      digest.update(part);
      yield part;
    }
    digest.update(trailer);
    yield trailer;
  }
  const signature = await signer.signParts(tee(), input.hash);
  const left16 = digest.digest().subarray(0, 2);
  const body = Buffer.concat([head, Buffer.from([0, 0]), left16, signatureMpis(key.material.algorithm, signature)]);
  return packet(PACKET_TAG.signature, body);
}

/**
 * A transferable public key for a store signing key: public key packet, one User ID and a positive
 * certification by the key itself (gpgv and Go's ReadKeyRing drop a key without a self-signed identity).
 * Key flags say certify + sign: Go's KeysByIdUsage skips a key whose flags lack signing.
 */
export async function openpgpPublicKey(input: {
  spki: Uint8Array;
  createdAt: Date;
  userId: string;
  signer: Signer;
  now: Date;
  /**
   * Ships the key's own revocation inside it (RFC 4880 §5.2.1, 0x20): Mattermost ignores expiry, and a
   * host that re-imports this file stops trusting the key (Go's KeysByIdUsage skips revoked keys).
   */
  revocation?: { at: Date; reason: "superseded" | "compromised" | "retired"; comment?: string };
}): Promise<OpenPgpPublicKey> {
  if (input.createdAt.getTime() > input.now.getTime()) throw new OpenPgpError("The key creation time is in the future");
  if (input.userId.length === 0 || /[\r\n]/.test(input.userId)) throw new OpenPgpError("The User ID must be one non-empty line");
  const key = keyPacketBody(input, input.signer);
  const uid = Buffer.from(input.userId, "utf8");
  const hash = certificationHash(key.material.algorithm);
  const selfSig = await signaturePacket({
    signer: input.signer,
    key,
    sigType: SIG_TYPE.positiveCertification,
    hash,
    createdAt: input.createdAt,
    extraHashed: [
      subpacket(SUBPACKET.keyFlags, Buffer.from([0x03])),
      subpacket(SUBPACKET.preferredHash, Buffer.from([HASH_ALGO.sha512, HASH_ALGO.sha384, HASH_ALGO.sha256])),
      subpacket(SUBPACKET.primaryUserId, Buffer.from([1])),
      subpacket(SUBPACKET.features, Buffer.from([0x01])),
    ],
    // RFC 4880 §5.2.4: a certification hashes the key (0x99-prefixed) and the user ID (0xB4, four-octet length).
    data: [keyHashPrefix(key.body), key.body, Buffer.from([0xb4]), u32(uid.length), uid],
  });
  let revocation: Buffer = Buffer.alloc(0);
  if (input.revocation) {
    const { at, reason, comment = "" } = input.revocation;
    if (at.getTime() < input.createdAt.getTime() || at.getTime() > input.now.getTime()) throw new OpenPgpError("The revocation time must lie between the key's creation and now");
    const code = { superseded: 1, compromised: 2, retired: 3 }[reason];
    revocation = await signaturePacket({
      signer: input.signer,
      key,
      sigType: SIG_TYPE.keyRevocation,
      hash,
      createdAt: at,
      extraHashed: [subpacket(SUBPACKET.reasonForRevocation, Buffer.concat([Buffer.from([code]), Buffer.from(comment, "utf8")]))],
      // RFC 4880 §5.2.4: a key revocation hashes the key alone.
      data: [keyHashPrefix(key.body), key.body],
    });
  }
  // RFC 4880 §11.1: the key's revocation signatures follow the key packet, before the User IDs.
  const binary = Buffer.concat([packet(PACKET_TAG.publicKey, key.body), revocation, packet(PACKET_TAG.userId, uid), selfSig]);
  return {
    binary: new Uint8Array(binary),
    armored: armor("PGP PUBLIC KEY BLOCK", binary),
    fingerprint: key.fingerprint.toString("hex"),
    keyId: key.keyId.toString("hex"),
    createdAt: input.createdAt,
  };
}

function certificationHash(algorithm: string): HashName {
  return algorithm === "ecdsa-p384" ? "sha384" : algorithm === "ecdsa-p256" ? "sha256" : "sha512";
}

export type DetachedSignatureInput = {
  /** The signed bytes, streamed (chunks of a file, an upload) or whole. */
  data: Parts | Uint8Array;
  signer: Signer;
  key: OpenPgpKeyRef;
  /** Signature creation time: whole seconds, not before the key's creation. */
  createdAt: Date;
  hash: "sha256" | "sha512";
  /** 0x00 binary (Mattermost) or 0x01 canonical text (already canonicalized by the caller). */
  sigType?: 0x00 | 0x01;
};

/** An OpenPGP v4 detached signature packet (binary, unarmored). */
export async function detachedSignature(input: DetachedSignatureInput): Promise<Uint8Array> {
  if (input.hash !== "sha256" && input.hash !== "sha512") throw new OpenPgpError("A store signature uses SHA-256 or SHA-512");
  if (input.createdAt.getTime() < input.key.createdAt.getTime()) throw new OpenPgpError("The signature would predate its key (verifiers reject that)");
  const key = keyPacketBody(input.key, input.signer);
  // GnuPG refuses an ECDSA signature whose hash is shorter than the curve ("requires a 384 bit or larger hash").
  if (key.material.algorithm === "ecdsa-p384" && input.hash === "sha256") throw new OpenPgpError("A P-384 key signs with SHA-512 here: gpgv rejects SHA-256 for a 384-bit curve");
  const data = input.data instanceof Uint8Array ? [input.data] : input.data;
  const sig = await signaturePacket({ signer: input.signer, key, sigType: input.sigType ?? SIG_TYPE.binary, hash: input.hash, createdAt: input.createdAt, data });
  return new Uint8Array(sig);
}

export function armorSignature(signature: Uint8Array): string {
  return armor("PGP SIGNATURE", signature);
}

// ---- Cleartext signatures (RFC 4880 §7) ----

/**
 * The text a cleartext signature covers (RFC 4880 §7.1): trailing spaces and tabs of every line removed,
 * lines joined by CR LF, and no line ending after the last line (the one before the armor is not signed).
 */
export function canonicalCleartext(text: string): Buffer {
  const lines = text.replace(/\r\n/g, "\n").split("\n").map((l) => l.replace(/[ \t]+$/, ""));
  return Buffer.from(lines.join("\r\n"), "utf8");
}

/** Dash-escaping (RFC 4880 §7.1): a line starting with '-' gets "- " in front; "From " too, as GnuPG does for mail. */
function dashEscape(text: string): string {
  return text
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((l) => l.replace(/[ \t]+$/, ""))
    .map((l) => (l.startsWith("-") || l.startsWith("From ") ? `- ${l}` : l))
    .join("\n");
}

export async function cleartextSign(input: { text: string; signer: Signer; key: OpenPgpKeyRef; createdAt: Date }): Promise<string> {
  // A lone CR is a line break to some readers and not to others: the signed text would be ambiguous.
  if (/\r(?!\n)/.test(input.text)) throw new OpenPgpError("The text holds a bare carriage return");
  const signature = await detachedSignature({ data: canonicalCleartext(input.text), signer: input.signer, key: input.key, createdAt: input.createdAt, hash: "sha512", sigType: SIG_TYPE.text });
  return `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n${dashEscape(input.text)}\n${armorSignature(signature)}`;
}
