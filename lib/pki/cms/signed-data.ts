// Detached CMS SignedData (RFC 5652 §5) over a signed archive, encoded by hand in DER so every byte
// is ours to pin: signed attributes contentType, signingTime (UTCTime, whole seconds) and
// messageDigest (SHA-256); signer identified by issuerAndSerialNumber; certificates plugin + org CA.
// The caller hashes the content (it may be hundreds of MB, streamed once while it was written).
import { algorithmIdentifier, explicit, integer, octetString, oid, sequence, set, tlv, time, TAG } from "../der";
import { parseCertificate } from "../chain/parse-certificate";
import { isRsa, OID, type Signer } from "../signer";

export const CMS_OID = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingTime: "1.2.840.113549.1.9.5",
} as const;

/** DER orders the elements of a SET OF by their encodings (X.690 §11.6). */
export function derSetOf(items: Uint8Array[]): Buffer {
  const sorted = [...items].map((i) => Buffer.from(i)).sort(Buffer.compare);
  return set(...sorted);
}

function attribute(type: string, value: Uint8Array): Buffer {
  return sequence(oid(type), set(value));
}

/** The signed attributes as the SET OF that the signature covers (RFC 5652 §5.4). */
export function signedAttributes(contentSha256: Uint8Array, signingTime: Date): Buffer {
  if (contentSha256.length !== 32) throw new Error("messageDigest must be a SHA-256 digest");
  return derSetOf([
    attribute(CMS_OID.contentType, oid(CMS_OID.data)),
    attribute(CMS_OID.signingTime, time(signingTime)),
    attribute(CMS_OID.messageDigest, octetString(contentSha256)),
  ]);
}

export type DetachedSignatureInput = {
  contentSha256: Uint8Array;
  /** The signer's certificate (the plugin certificate), then the rest of the chain to include. */
  certificatesDer: Uint8Array[];
  signer: Signer;
  signingTime: Date;
};

export async function createDetachedSignature(input: DetachedSignatureInput): Promise<Uint8Array> {
  const [signerCertDer] = input.certificatesDer;
  if (!signerCertDer) throw new Error("CMS needs the signer's certificate");
  const signerCert = parseCertificate(signerCertDer);
  if (!Buffer.from(signerCert.spkiDer).equals(Buffer.from(input.signer.publicKeySpki))) {
    throw new Error("the signer's key does not match the signer certificate");
  }
  if (!isRsa(input.signer.algorithm)) throw new Error("plugin signatures use RSA keys");
  const attrs = signedAttributes(input.contentSha256, input.signingTime);
  const signature = await input.signer.sign(attrs, "sha256");
  const sha256 = algorithmIdentifier(OID.sha256, false);
  const signerInfo = sequence(
    integer(1), // version 1: sid is issuerAndSerialNumber
    sequence(Buffer.from(signerCert.issuerDer), tlv(TAG.INTEGER, signerCert.serial)),
    sha256,
    Buffer.concat([Buffer.from([0xa0]), attrs.subarray(1)]), // [0] IMPLICIT: same body, context tag
    // rsaEncryption with NULL is what OpenSSL itself writes for PKCS#1 v1.5 signers (RFC 3370 §3.2).
    algorithmIdentifier(OID.rsaEncryption, true),
    octetString(signature),
  );
  const certificates = derSetOf(input.certificatesDer);
  const signedData = sequence(
    integer(1),
    set(sha256),
    sequence(oid(CMS_OID.data)), // detached: eContent absent
    Buffer.concat([Buffer.from([0xa0]), certificates.subarray(1)]),
    set(signerInfo),
  );
  return new Uint8Array(sequence(oid(CMS_OID.signedData), explicit(0, signedData)));
}
