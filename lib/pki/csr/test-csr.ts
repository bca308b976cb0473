// CSRs assembled part by part for tests: any version, subject, key, attributes and signature
// algorithm, signed by `key` (or carrying random bytes when the key cannot sign, e.g. an invalid point).
import crypto, { type KeyObject } from "node:crypto";
import { explicit, integer, nullValue, oid, sequence, tlv } from "../der";
import { nameDer } from "../certificate/names";
import { OID, type HashName } from "../signer";

export const TEST_SUBJECT = Buffer.from(nameDer([{ type: "O", value: "Acme" }, { type: "CN", value: "com.acme.x" }]));
export const sigAlg = (algorithm: string, params?: Buffer) => (params ? sequence(oid(algorithm), params) : sequence(oid(algorithm)));
export const RSA_SHA256 = sigAlg(OID.sha256WithRSAEncryption, nullValue());
export const ECDSA_SHA256 = sigAlg(OID.ecdsaWithSHA256);

export type CsrParts = { version?: number; subject?: Buffer; spki: Uint8Array; attributes?: Buffer[]; algorithm: Buffer; key?: KeyObject; hash?: HashName };

export function csrDer({ version = 0, subject = TEST_SUBJECT, spki, attributes = [], algorithm, key, hash = "sha256" }: CsrParts): Uint8Array {
  const info = sequence(integer(version), subject, Buffer.from(spki), explicit(0, ...attributes));
  const signature = key ? crypto.sign(hash, info, key) : crypto.randomBytes(64);
  return new Uint8Array(sequence(info, algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), signature]))));
}
