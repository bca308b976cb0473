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
  if (list.thisUpdate.getTime().getTime() > now.getTime()) throw new Error("the CRL is not valid yet (its thisUpdate is in the future)");
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

/** The issuer Name of a CRL, byte-exact, to pick the CRL that belongs to a certificate's issuer. */
export function crlIssuerDer(der: Uint8Array): Uint8Array {
  const { tbs } = splitSigned(der);
  const tbsFields = children(tbs, readRoot(tbs, 0x30));
  const offset = tbsFields[0]?.tag === 0x02 ? 1 : 0;
  if (!tbsFields[offset + 1] || tbsFields[offset + 1].tag !== 0x30) throw new Error("not a CRL (no issuer name)");
  return bytesOf(tbs, tbsFields[offset + 1]);
}

export type CrlFile = { name: string; der: Uint8Array };

/**
 * Revocation from CRLs the caller brought (offline verification): only a CRL whose issuer name is the
 * issuer's subject is a candidate, and a candidate counts only once its signature verifies against that
 * issuer's key and it is current. No usable CRL is "unknown", never "good".
 */
export function statusFromCrls(crls: CrlFile[], cert: ParsedCertificate, issuer: ParsedCertificate, now: Date): RevocationAnswer & { source: string } {
  const subject = Buffer.from(issuer.subjectDer);
  const refused: string[] = [];
  for (const crl of crls) {
    let name: Uint8Array;
    try {
      name = crlIssuerDer(crl.der);
    } catch (err) {
      refused.push(`${crl.name}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    if (!subject.equals(Buffer.from(name))) continue;
    try {
      return { ...checkCrl(crl.der, cert, issuer, now), source: `crl ${crl.name}` };
    } catch (err) {
      refused.push(`${crl.name} refused: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const detail = refused.length ? refused.join("; ") : `no --crl file was issued by ${issuer.subject}`;
  return { status: "unknown", source: "crl files", detail };
}
