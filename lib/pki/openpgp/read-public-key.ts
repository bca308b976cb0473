// Reading a store's OpenPGP public key file back (what a host installs: `signet verify --key`), for
// keys of the kinds Signet makes — v4 RSA or ECDSA P-256/P-384. The key packet is turned into a
// SubjectPublicKeyInfo, which the one outside-key validator judges (keyMaterialFromSpki) before anything
// else reads it; re-encoding it must give the packet back byte for byte, or the file is refused. A key
// revocation (0x20) in the file that verifies marks the key revoked from its time.
import { OID } from "../signer";
import { algorithmIdentifier, bitString, integerFromBytes, oid, tlv } from "../der";
import { CURVE_OID, OpenPgpError, PACKET_TAG, PUBKEY_ALGO, dearmor, keyHashPrefix, keyMaterialFromSpki, publicKeyBody } from "./packets";
import type { OpenPgpKeyRef } from "./sign";
import { packetTagAndBody, splitPackets, verifyDetached } from "./verify";

export type ReadPublicKey = OpenPgpKeyRef & { revokedAt?: Date };

function readMpi(body: Buffer, pos: number): { value: Buffer; next: number } {
  if (pos + 2 > body.length) throw new OpenPgpError("Truncated MPI in the public key");
  const bytes = Math.ceil(body.readUInt16BE(pos) / 8);
  if (pos + 2 + bytes > body.length) throw new OpenPgpError("Truncated MPI in the public key");
  return { value: body.subarray(pos + 2, pos + 2 + bytes), next: pos + 2 + bytes };
}

function spkiOfKeyPacket(body: Buffer): { spki: Uint8Array; createdAt: Date } {
  if (body.length < 6 || body[0] !== 4) throw new OpenPgpError("Only version 4 public keys are read");
  const createdAt = new Date(body.readUInt32BE(1) * 1000);
  const algo = body[5];
  let spki: Buffer;
  if (algo === PUBKEY_ALGO.rsa) {
    const n = readMpi(body, 6);
    const e = readMpi(body, n.next);
    spki = tlv(0x30, algorithmIdentifier(OID.rsaEncryption, true), bitString(tlv(0x30, integerFromBytes(n.value), integerFromBytes(e.value))));
  } else if (algo === PUBKEY_ALGO.ecdsa) {
    const len = body[6];
    const curveOid = body.subarray(7, 7 + len);
    const curve = (Object.keys(CURVE_OID) as (keyof typeof CURVE_OID)[]).find((c) => CURVE_OID[c].equals(curveOid));
    if (!curve) throw new OpenPgpError("Only NIST P-256 and P-384 ECDSA keys are read");
    const point = readMpi(body, 7 + len);
    spki = tlv(0x30, tlv(0x30, oid(OID.ecPublicKey), oid(curve === "ecdsa-p256" ? OID.secp256r1 : OID.secp384r1)), bitString(point.value));
  } else {
    throw new OpenPgpError(`Public key algorithm ${algo} is not one Signet's store keys use (RSA, ECDSA)`);
  }
  const material = keyMaterialFromSpki(spki);
  if (!publicKeyBody(material, createdAt).equals(body)) throw new OpenPgpError("The public key packet is not in its one canonical encoding");
  return { spki: new Uint8Array(spki), createdAt };
}

/** Every primary public key in an armored or binary key file (several files may be concatenated). */
export function readOpenPgpPublicKeys(file: Uint8Array, now: Date): ReadPublicKey[] {
  const raw = Buffer.from(file);
  const text = raw.toString("latin1");
  const blocks = text.includes("-----BEGIN PGP PUBLIC KEY BLOCK-----")
    ? [...text.matchAll(/-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/g)].map((m) => dearmor("PGP PUBLIC KEY BLOCK", m[0]))
    : [raw];
  const keys: ReadPublicKey[] = [];
  for (const block of blocks) {
    let current: (ReadPublicKey & { body: Buffer }) | undefined;
    for (const packet of splitPackets(block)) {
      const { tag, body } = packetTagAndBody(packet);
      if (tag === PACKET_TAG.publicKey) {
        current = { ...spkiOfKeyPacket(body), body };
        keys.push(current);
      } else if (tag === PACKET_TAG.signature && current && body[1] === 0x20) {
        try {
          const revocation = verifyDetached({ signature: packet, data: Buffer.concat([keyHashPrefix(current.body), current.body]), key: current, now, sigType: 0x20 });
          current.revokedAt = revocation.createdAt;
        } catch {
          // A revocation that does not verify is ignored, as GnuPG does.
        }
      }
    }
  }
  if (keys.length === 0) throw new OpenPgpError("The file holds no public key");
  return keys.map(({ spki, createdAt, revokedAt }) => ({ spki, createdAt, ...(revokedAt ? { revokedAt } : {}) }));
}
