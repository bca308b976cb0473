// The relying-party side of OCSP (RFC 6960) for `signet verify`: builds the request and checks the
// answer — responder authorized (the issuer itself, or a certificate it issued for id-kp-OCSPSigning,
// §4.2.2.2), signature over the exact tbsResponseData bytes, matching CertID, and freshness.
// Encoding and structural parsing are lib/pki/ocsp's; trust decisions are made here.
import crypto from "node:crypto";
import { encodeCertId, subjectPublicKeyBits } from "../ocsp/cert-id";
import { encodeOcspRequest } from "../ocsp/ocsp-request";
import { parseOcspResponse } from "../ocsp/parse-ocsp-response";
import { OIDS } from "../certificate/profiles";
import { parseCertificate, type ParsedCertificate } from "../chain/parse-certificate";
import { signatureProblem } from "../chain/validate-chain";

export type RevocationAnswer = { status: "good" | "revoked" | "unknown"; reason?: string; revokedAt?: string; detail?: string };

const CLOCK_SKEW_MS = 5 * 60_000;

function certIdFor(cert: ParsedCertificate, issuer: ParsedCertificate): Buffer {
  return encodeCertId({ hash: "sha1", issuerNameDer: issuer.subjectDer, issuerSpkiDer: issuer.spkiDer, serial: cert.serial });
}

export function buildOcspRequest(cert: ParsedCertificate, issuer: ParsedCertificate): Uint8Array {
  return new Uint8Array(encodeOcspRequest([certIdFor(cert, issuer)]));
}

function responderFor(basic: NonNullable<ReturnType<typeof parseOcspResponse>["basic"]>, issuer: ParsedCertificate, now: Date): ParsedCertificate {
  const candidates = [issuer, ...basic.certs.map((der) => parseCertificate(der))];
  const named = candidates.find((c) =>
    basic.responderKeyHash
      ? Buffer.from(crypto.createHash("sha1").update(subjectPublicKeyBits(c.spkiDer)).digest()).equals(Buffer.from(basic.responderKeyHash))
      : Buffer.from(c.subjectDer).equals(Buffer.from(basic.responderNameDer ?? [])),
  );
  if (!named) throw new Error("the OCSP response is signed by a responder it does not identify");
  if (named === issuer) return issuer;
  if (!Buffer.from(named.issuerDer).equals(Buffer.from(issuer.subjectDer)) || signatureProblem(named, issuer)) throw new Error("the OCSP responder certificate was not issued by the certificate's issuer");
  if (!named.extendedKeyUsage?.includes(OIDS.ocspSigning)) throw new Error("the OCSP responder certificate lacks id-kp-OCSPSigning");
  if (now < named.notBefore || now > named.notAfter) throw new Error("the OCSP responder certificate is not valid now");
  return named;
}

export function checkOcspResponse(der: Uint8Array, cert: ParsedCertificate, issuer: ParsedCertificate, now: Date): RevocationAnswer {
  const parsed = parseOcspResponse(der);
  if (parsed.status !== "successful" || !parsed.basic) return { status: "unknown", detail: `the OCSP responder answered ${parsed.status}` };
  const basic = parsed.basic;
  const responder = responderFor(basic, issuer, now);
  const bad = signatureProblem({ tbs: basic.tbsDer, signature: basic.signature, signatureAlgorithmOid: basic.signatureAlgorithm }, responder);
  if (bad) throw new Error(`OCSP response: ${bad}`);
  const expected = Buffer.from(certIdFor(cert, issuer));
  const single = basic.responses.find((r) => Buffer.from(r.certIdDer).equals(expected));
  if (!single) throw new Error("the OCSP response does not answer for this certificate");
  if (single.thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) throw new Error("the OCSP response is dated in the future");
  if (single.nextUpdate && single.nextUpdate.getTime() < now.getTime() - CLOCK_SKEW_MS) throw new Error("the OCSP response is stale (past its nextUpdate)");
  const status = single.status;
  if (status.kind === "revoked") return { status: "revoked", reason: status.reason, revokedAt: status.revokedAt.toISOString() };
  if (status.kind === "unknown") return { status: "unknown", detail: "the OCSP responder does not know this certificate" };
  return { status: "good" };
}
