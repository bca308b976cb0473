// A certificate an organization signed offline with its own CA key, checked before Signet records
// it: signed by that CA, and byte for byte the TBSCertificate Signet's own issuance would have
// built for the same key, serial and validity (one profile, prepareCertificate, not a copy).
import crypto from "node:crypto";
import { children, contentOf, DerError, oidToString, readRoot, splitSigned } from "../der-read";
import { OID, SIGNATURE_HASH, type KeyAlgorithm } from "../signer";
import { checkTbsAgainstProfile, ProfileViolation } from "./check-profile";
import type { PkiUrls } from "./extensions";
import { certificateInfo, type CertificateInfo } from "./info";
import type { NamePart } from "./names";
import { prepareCertificate } from "./issue";
import type { Profile } from "./profiles";

export type ExpectedIssuance = {
  profile: Profile;
  /** The issuing CA's certificate, as Signet holds it. */
  issuerDer: Uint8Array;
  /** The subject the profile gives, from the certificate's own CN (e.g. O=<org>, CN=<plugin id>). */
  subject: (commonName: string) => NamePart[];
  /** Only this key is acceptable (a responder key Signet holds); otherwise any key the profile allows. */
  subjectPublicKeySpki?: Uint8Array;
  orgName?: string;
  urls?: PkiUrls;
};

const fail = (message: string): never => {
  throw new ProfileViolation(message);
};

/** Refuses a subject key node:crypto should not be handed (it aborts the process on some bad EC keys). */
function assertAcceptableKeyType(spkiDer: Uint8Array, profile: Profile): void {
  const spki = children(spkiDer, readRoot(spkiDer, 0x30));
  const algorithm = spki[0] ? children(spkiDer, spki[0]) : [];
  if (algorithm[0]?.tag !== 0x06) fail("malformed subject public key");
  const oid = oidToString(contentOf(spkiDer, algorithm[0]));
  const rsaOnly = profile.allowedKeys.every((k) => k.startsWith("rsa-"));
  if (oid !== OID.rsaEncryption && (rsaOnly || oid !== OID.ecPublicKey)) fail(`the subject key type ${oid} is not allowed for ${profile.kind}`);
}

export function checkIssuedCertificate(der: Uint8Array, expected: ExpectedIssuance): CertificateInfo {
  let signed: ReturnType<typeof splitSigned>;
  let tbsParts;
  try {
    signed = splitSigned(der);
    tbsParts = children(signed.tbs, readRoot(signed.tbs, 0x30));
  } catch (err) {
    if (err instanceof DerError) fail(`not a DER certificate (${err.message})`);
    throw err;
  }
  const offset = tbsParts![0]?.tag === 0xa0 ? 1 : 0;
  const spkiTlv = tbsParts![offset + 5];
  if (!spkiTlv) fail("malformed TBSCertificate");
  const spkiDer = signed!.tbs.subarray(spkiTlv.start, spkiTlv.end);
  if (expected.subjectPublicKeySpki) {
    if (!Buffer.from(spkiDer).equals(Buffer.from(expected.subjectPublicKeySpki))) fail("the certificate is not for the expected key");
  } else {
    assertAcceptableKeyType(spkiDer, expected.profile);
  }

  const issuer = certificateInfo(expected.issuerDer);
  const issuerAlgorithm = issuer.keyAlgorithm ?? fail("the issuing CA's key type is not supported");
  const outerAlgorithm = children(signed!.signatureAlgorithm, readRoot(signed!.signatureAlgorithm, 0x30));
  const algorithmOid = oidToString(contentOf(signed!.signatureAlgorithm, outerAlgorithm[0]));
  const hash = SIGNATURE_HASH[algorithmOid] ?? fail(`signature algorithm ${algorithmOid} is not accepted`);
  const issuerKey = crypto.createPublicKey({ key: Buffer.from(issuer.spkiDer), format: "der", type: "spki" });
  if (!crypto.verify(hash, signed!.tbs, issuerKey, signed!.signature)) fail(`the signature does not verify under the key of ${issuer.subject}`);

  const info = certificateInfo(der);
  checkTbsAgainstProfile(signed!.tbs, expected.profile, { nameDer: issuer.subjectDer, keyIdentifier: issuer.subjectKeyIdentifier, notAfter: issuer.notAfter, pathLen: issuer.pathLen, isCa: issuer.isCa }, issuerAlgorithm as KeyAlgorithm);
  if (!info.commonName) fail("subject needs a CN");
  if (info.notBefore.getTime() < issuer.notBefore.getTime()) fail("validity starts before the issuer's");
  const rebuilt = prepareCertificate({
    profile: expected.profile,
    subject: expected.subject(info.commonName!),
    subjectPublicKeySpki: spkiDer,
    serial: serialOf(signed!.tbs, tbsParts![offset]),
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    issuer: { nameDer: issuer.subjectDer, keyIdentifier: issuer.subjectKeyIdentifier, notAfter: issuer.notAfter, pathLen: issuer.pathLen, isCa: issuer.isCa },
    signerAlgorithm: issuerAlgorithm as KeyAlgorithm,
    orgName: expected.orgName,
    urls: expected.urls,
  });
  if (!Buffer.from(rebuilt.tbsDer).equals(Buffer.from(signed!.tbs))) fail(`it differs from Signet's ${expected.profile.kind} profile (subject, extension values or their order, or the CRL/OCSP URLs) — issue it with \`signet issue\``);
  return info;
}

function serialOf(tbs: Uint8Array, tlv: { tag: number; contentStart: number; end: number }): Uint8Array {
  if (tlv.tag !== 0x02) fail("malformed serial number");
  return tbs.slice(tlv.contentStart, tlv.end);
}
