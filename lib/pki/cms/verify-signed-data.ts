// Verifies a detached CMS SignedData against the SHA-256 of its content, the way `openssl cms
// -verify` does minus the chain (validate-chain.ts does that): the signer is found by
// issuerAndSerialNumber among the enclosed certificates, the messageDigest attribute must equal
// the content's digest, and the signature covers the DER of the signed attributes as a SET.
import crypto from "node:crypto";
import { bytesOf, children, contentOf, oidToString, readRoot, type Tlv } from "../der-read";
import { parseCertificate, type ParsedCertificate } from "../chain/parse-certificate";
import { OID } from "../signer";
import { CMS_OID } from "./signed-data";

export type CmsVerification = {
  valid: boolean;
  signer?: ParsedCertificate;
  certificatesDer: Uint8Array[];
  signingTime?: Date;
  problems: string[];
};

const DIGESTS: Record<string, string> = { [OID.sha256]: "sha256", [OID.sha384]: "sha384", [OID.sha512]: "sha512" };
const MAX_CMS_BYTES = 256 * 1024;

function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw new Error(`malformed CMS: ${what}`);
  return t;
}

function oidOf(der: Uint8Array, t: Tlv): string {
  return oidToString(contentOf(der, expectTag(t, 0x06, "OID expected")));
}

function parseTime(der: Uint8Array, t: Tlv): Date {
  const text = Buffer.from(contentOf(der, t)).toString("ascii");
  const m = t.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) throw new Error("malformed CMS: signingTime");
  const year = t.tag === 0x17 ? (Number(m[1]) < 50 ? 2000 : 1900) + Number(m[1]) : Number(m[1]);
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

export function verifyDetachedSignature(cms: Uint8Array, contentDigests: { sha256: Uint8Array; sha384?: Uint8Array; sha512?: Uint8Array }): CmsVerification {
  const problems: string[] = [];
  const certificatesDer: Uint8Array[] = [];
  try {
    if (cms.length > MAX_CMS_BYTES) throw new Error(`the signature file is larger than ${MAX_CMS_BYTES} bytes`);
    const [typeOid, wrapped] = children(cms, readRoot(cms, 0x30));
    if (oidOf(cms, typeOid) !== CMS_OID.signedData) throw new Error("not a CMS SignedData");
    const signedData = expectTag(children(cms, expectTag(wrapped, 0xa0, "[0] content"))[0], 0x30, "SignedData");
    const fields = children(cms, signedData);
    const encap = children(cms, expectTag(fields[2], 0x30, "encapContentInfo"));
    if (encap.length !== 1) throw new Error("the signature is not detached (it encapsulates content)");
    for (const f of fields.slice(3)) if (f.tag === 0xa0) for (const c of children(cms, f)) if (c.tag === 0x30) certificatesDer.push(bytesOf(cms, c));
    const signerInfos = children(cms, expectTag(fields[fields.length - 1], 0x31, "signerInfos"));
    if (signerInfos.length !== 1) throw new Error(`expected one signer, found ${signerInfos.length}`);
    const si = children(cms, signerInfos[0]);
    const sid = expectTag(si[1], 0x30, "issuerAndSerialNumber");
    const [sidIssuer, sidSerial] = children(cms, sid);
    const certs = certificatesDer.map((der) => parseCertificate(der));
    const signer = certs.find((c) => Buffer.from(c.issuerDer).equals(Buffer.from(bytesOf(cms, sidIssuer))) && Buffer.from(c.serial).equals(Buffer.from(contentOf(cms, sidSerial))));
    if (!signer) throw new Error("the signer's certificate is not in the signature");
    const digestName = DIGESTS[oidOf(cms, children(cms, expectTag(si[2], 0x30, "digestAlgorithm"))[0])];
    if (!digestName) throw new Error("unsupported digest algorithm");
    const expected = contentDigests[digestName as keyof typeof contentDigests];
    if (!expected) throw new Error(`the content's ${digestName} digest was not computed`);
    const attrsTlv = expectTag(si[3], 0xa0, "signedAttrs (required with a detached signature)");
    let signingTime: Date | undefined;
    let digestOk = false;
    let contentTypeOk = false;
    for (const attr of children(cms, attrsTlv)) {
      const [type, values] = children(cms, attr);
      const value = children(cms, expectTag(values, 0x31, "attribute values"));
      if (value.length !== 1) throw new Error("an attribute has more than one value");
      const attrOid = oidOf(cms, type);
      if (attrOid === CMS_OID.messageDigest) digestOk = Buffer.from(contentOf(cms, value[0])).equals(Buffer.from(expected));
      if (attrOid === CMS_OID.contentType) contentTypeOk = oidOf(cms, value[0]) === CMS_OID.data;
      if (attrOid === CMS_OID.signingTime) signingTime = parseTime(cms, value[0]);
    }
    if (!contentTypeOk) problems.push("the contentType attribute is missing or not id-data");
    if (!digestOk) problems.push("the archive does not match the signature's messageDigest (it was modified or is another file)");
    const signedBytes = Buffer.from(bytesOf(cms, attrsTlv));
    signedBytes[0] = 0x31; // the signature covers the attributes encoded as a SET (RFC 5652 §5.4)
    const signatureAlgorithm = oidOf(cms, children(cms, expectTag(si[4], 0x30, "signatureAlgorithm"))[0]);
    const acceptable = [OID.rsaEncryption, OID.sha256WithRSAEncryption, OID.sha384WithRSAEncryption, OID.sha512WithRSAEncryption, OID.ecdsaWithSHA256, OID.ecdsaWithSHA384, OID.ecdsaWithSHA512];
    if (!acceptable.includes(signatureAlgorithm as (typeof acceptable)[number])) throw new Error(`signature algorithm ${signatureAlgorithm} is not accepted`);
    const signature = contentOf(cms, expectTag(si[5], 0x04, "signature"));
    if (!crypto.verify(digestName, signedBytes, signer.publicKey, signature)) problems.push("the CMS signature does not verify with the signer's certificate");
    return { valid: problems.length === 0, signer, certificatesDer, signingTime, problems };
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
    return { valid: false, certificatesDer, problems };
  }
}
