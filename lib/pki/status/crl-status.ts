// The relying-party side of a CRL (RFC 5280 §6.3, the parts Signet's CRLs use): issued by the
// certificate's issuer, signature over the exact tbsCertList bytes, current, then the serial lookup.
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificateList, CRLReason } from "@peculiar/asn1-x509";
import { REVOCATION_REASON_CODES } from "../crl/encode-crl";
import type { ParsedCertificate } from "../chain/parse-certificate";
import { signatureProblem } from "../chain/validate-chain";
import { bytesOf, children, contentOf, oidToString, readRoot, splitSigned } from "../der-read";
import type { RevocationAnswer } from "./ocsp-status";

const REASON_CODE = "2.5.29.21";
const REASON_NAMES = new Map<number, string>(Object.entries(REVOCATION_REASON_CODES).map(([name, code]) => [code, name]));

export function checkCrl(der: Uint8Array, cert: ParsedCertificate, issuer: ParsedCertificate, now: Date): RevocationAnswer {
  const signed = splitSigned(der);
  const algorithm = readRoot(signed.signatureAlgorithm, 0x30);
  const algorithmOid = oidToString(contentOf(signed.signatureAlgorithm, children(signed.signatureAlgorithm, algorithm)[0]));
  const bad = signatureProblem({ tbs: signed.tbs, signature: signed.signature, signatureAlgorithmOid: algorithmOid }, issuer);
  if (bad) throw new Error(`CRL: ${bad}`);
  const tbsFields = children(signed.tbs, readRoot(signed.tbs, 0x30));
  const offset = tbsFields[0]?.tag === 0x02 ? 1 : 0; // optional version
  const issuerName = bytesOf(signed.tbs, tbsFields[offset + 1]);
  if (!Buffer.from(issuerName).equals(Buffer.from(issuer.subjectDer))) throw new Error("the CRL was issued by another CA");
  const list = AsnConvert.parse(der, CertificateList).tbsCertList;
  const nextUpdate = list.nextUpdate?.getTime();
  if (!nextUpdate || nextUpdate.getTime() < now.getTime()) throw new Error("the CRL is stale (past its nextUpdate)");
  const critical = (list.crlExtensions ?? []).filter((e) => e.critical).map((e) => e.extnID);
  // A critical issuingDistributionPoint or deltaCRLIndicator would change the CRL's scope.
  if (critical.length) throw new Error(`the CRL has critical extensions this verifier does not process (${critical.join(", ")})`);
  const serial = Buffer.from(cert.serial);
  const entry = (list.revokedCertificates ?? []).find((r) => Buffer.from(new Uint8Array(r.userCertificate)).equals(serial));
  if (!entry) return { status: "good" };
  const reasonExt = entry.crlEntryExtensions?.find((e) => e.extnID === REASON_CODE);
  const reason = reasonExt ? REASON_NAMES.get(AsnConvert.parse(reasonExt.extnValue, CRLReason).reason) : undefined;
  return { status: "revoked", reason, revokedAt: entry.revocationDate.getTime().toISOString() };
}
