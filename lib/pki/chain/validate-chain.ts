// Path validation for plugin chains (RFC 5280 §6, the parts our hierarchy uses), with the algorithm
// floor of GnuTLS's "medium" profile that the Jami daemon applies: RSA ≥ 2048, no SHA-1.
import crypto from "node:crypto";
import { KeyUsageFlags } from "@peculiar/asn1-x509";
import { OIDS } from "../certificate/profiles";
import { publicKeyWeakness } from "../keys/check-public-key";
import { SIGNATURE_HASH } from "../signer";
import { parseCertificate, type ParsedCertificate } from "./parse-certificate";

const ANY_EKU = "2.5.29.37.0";
const MAX_DEPTH = 6;

export type ChainValidation = {
  /** The path from the leaf up to and including the trust anchor (when one was reached). */
  path: ParsedCertificate[];
  /** Whether the last element of `path` is a trusted root. */
  anchored: boolean;
  trusted: boolean;
  problems: string[];
};

/**
 * Why a certificate's key must not be trusted, or undefined: BR §6.1.6 and the known-weak classes
 * (check-public-key.ts), which are stricter than the medium profile's RSA ≥ 2048.
 */
export function keyWeakness(cert: ParsedCertificate): string | undefined {
  return publicKeyWeakness(cert.key);
}

/** Checks `cert`'s signature with `issuer`'s key, refusing SHA-1 and unknown algorithms. */
export function signatureProblem(cert: { tbs: Uint8Array; signature: Uint8Array; signatureAlgorithmOid: string }, issuer: ParsedCertificate): string | undefined {
  const hash = SIGNATURE_HASH[cert.signatureAlgorithmOid];
  if (!hash) return `signature algorithm ${cert.signatureAlgorithmOid} is not accepted (SHA-1 and unknown algorithms are refused)`;
  const isRsa = cert.signatureAlgorithmOid.startsWith("1.2.840.113549.");
  if ((issuer.key.type === "rsa") !== isRsa) return "signature algorithm does not match the issuer's key type";
  const ok = crypto.verify(hash, cert.tbs, issuer.publicKey, cert.signature);
  return ok ? undefined : `signature by ${issuer.subject} does not verify`;
}

const equal = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

function withinSubtree(rdns: Uint8Array[], subtree: Uint8Array[]): boolean {
  return subtree.length <= rdns.length && subtree.every((rdn, i) => equal(rdn, rdns[i]));
}

function parseAll(ders: Uint8Array[], what: string, problems: string[]): ParsedCertificate[] {
  const out: ParsedCertificate[] = [];
  ders.forEach((der, i) => {
    try {
      out.push(parseCertificate(der));
    } catch (err) {
      problems.push(`${what} certificate #${i + 1} cannot be parsed: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return out;
}

/** Builds leaf → … → anchor from the supplied certificates and validates it at `now`. */
export function validateChain(chainDer: Uint8Array[], trustedRootsDer: Uint8Array[], now: Date): ChainValidation {
  const problems: string[] = [];
  const supplied = parseAll(chainDer, "chain", problems);
  const roots = parseAll(trustedRootsDer, "trusted root", problems);
  if (supplied.length === 0) return { path: [], anchored: false, trusted: false, problems: problems.length ? problems : ["the chain is empty"] };
  const path: ParsedCertificate[] = [supplied[0]];
  let anchored = roots.some((r) => equal(r.der, supplied[0].der));
  while (!anchored && path.length < MAX_DEPTH) {
    const current = path[path.length - 1];
    const root = roots.find((r) => equal(r.subjectDer, current.issuerDer) && !signatureProblem(current, r));
    if (root) {
      path.push(root);
      anchored = true;
      break;
    }
    const next = supplied.find((c) => !path.includes(c) && equal(c.subjectDer, current.issuerDer) && !equal(c.subjectDer, c.issuerDer));
    if (!next) break;
    path.push(next);
    anchored = roots.some((r) => equal(r.der, next.der));
  }
  if (!anchored) problems.push(`the chain does not lead to a trusted root (stops at ${path[path.length - 1].subject}, issued by ${path[path.length - 1].issuer})`);
  checkPath(path, anchored, now, problems);
  return { path, anchored, trusted: anchored && problems.length === 0, problems };
}

function checkPath(path: ParsedCertificate[], anchored: boolean, now: Date, problems: string[]): void {
  path.forEach((cert, i) => {
    const label = i === 0 ? `plugin certificate ${cert.subject}` : `${cert.subject}`;
    if (now < cert.notBefore) problems.push(`${label} is not valid before ${cert.notBefore.toISOString()}`);
    if (now > cert.notAfter) problems.push(`${label} expired on ${cert.notAfter.toISOString()}`);
    const weak = keyWeakness(cert);
    if (weak) problems.push(`${label}: ${weak}`);
    if (cert.unknownCriticalExtensions.length) problems.push(`${label} has unknown critical extensions ${cert.unknownCriticalExtensions.join(", ")}`);
    const issuer = path[i + 1];
    if (issuer) {
      const bad = signatureProblem(cert, issuer);
      if (bad) problems.push(`${label}: ${bad}`);
    } else if (anchored) {
      // The anchor is trusted as configured; its self-signature is still checked so a corrupt root file is caught.
      if (equal(cert.subjectDer, cert.issuerDer) && signatureProblem(cert, cert)) problems.push(`trusted root ${cert.subject} has a bad self-signature`);
    }
    if (i > 0) checkIssuer(cert, i, path, problems);
  });
  const leaf = path[0];
  if (leaf.key.type !== "rsa") problems.push("the plugin certificate's key is not RSA: Jami verifies RSA PKCS#1 v1.5 SHA-512 only");
  if (leaf.keyUsage !== undefined && !(leaf.keyUsage & KeyUsageFlags.digitalSignature)) problems.push("the plugin certificate's key usage lacks digitalSignature");
  if (leaf.extendedKeyUsage && !leaf.extendedKeyUsage.some((e) => e === OIDS.codeSigning || e === ANY_EKU)) problems.push("the plugin certificate's extended key usage lacks codeSigning");
}

function checkIssuer(ca: ParsedCertificate, index: number, path: ParsedCertificate[], problems: string[]): void {
  if (!ca.isCa) problems.push(`${ca.subject} is not a CA (basicConstraints CA:TRUE missing)`);
  if (ca.keyUsage !== undefined && !(ca.keyUsage & KeyUsageFlags.keyCertSign)) problems.push(`${ca.subject} may not sign certificates (keyUsage lacks keyCertSign)`);
  // pathLenConstraint counts the non-self-issued intermediates below this CA (RFC 5280 §4.2.1.9).
  const intermediatesBelow = path.slice(1, index).filter((c) => !equal(c.subjectDer, c.issuerDer)).length;
  if (ca.pathLen !== undefined && intermediatesBelow > ca.pathLen) problems.push(`${ca.subject} allows ${ca.pathLen} intermediate CAs below it, the path has ${intermediatesBelow}`);
  for (const below of path.slice(0, index)) {
    if (below.subjectRdns.length === 0) continue;
    if (ca.permittedSubtrees?.length && !ca.permittedSubtrees.some((t) => withinSubtree(below.subjectRdns, t))) {
      problems.push(`${below.subject} is outside the names ${ca.subject} may certify`);
    }
    if (ca.excludedSubtrees?.some((t) => withinSubtree(below.subjectRdns, t))) problems.push(`${below.subject} is in a subtree ${ca.subject} excludes`);
  }
}
