// PKCS#10 requests (RFC 2986) for organizations that keep their own keys: what Jami's
// `certKey.py --req create` does. Only the subject and the key go in; Signet's profile decides the rest.
import { algorithmIdentifier, bitString, explicit, integer, sequence } from "../der";
import { nameDer, type NamePart } from "../certificate/names";
import { defaultHash, signatureAlgorithmHasNullParams, signatureAlgorithmOid, type Signer } from "../signer";

export async function buildCsr(subject: NamePart[], signer: Signer): Promise<Uint8Array> {
  const hash = defaultHash(signer.algorithm);
  // attributes [0] IMPLICIT SET OF Attribute: empty, but present (RFC 2986 §4.1).
  const info = sequence(integer(0), Buffer.from(nameDer(subject)), Buffer.from(signer.publicKeySpki), explicit(0));
  const signature = await signer.sign(info, hash);
  const algorithm = algorithmIdentifier(signatureAlgorithmOid(signer.algorithm, hash), signatureAlgorithmHasNullParams(signer.algorithm));
  return new Uint8Array(sequence(info, algorithm, bitString(signature)));
}

export function csrToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN CERTIFICATE REQUEST-----\n${b64}\n-----END CERTIFICATE REQUEST-----\n`;
}

