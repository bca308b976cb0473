// A certificate an organization signed offline, as it arrives: one PEM CERTIFICATE, size-capped,
// then checked against Signet's profile (lib/pki/certificate/check-issued.ts); every refusal is a
// 400 that says what was wrong.
import { checkIssuedCertificate, type ExpectedIssuance } from "../../pki/certificate/check-issued";
import { ProfileViolation } from "../../pki/certificate/check-profile";
import type { CertificateInfo } from "../../pki/certificate/info";
import { fromPem } from "../../pki/certificate/pem";
import { AppError } from "../errors";

export const MAX_CERTIFICATE_BYTES = 16 * 1024;
/** Offline clocks drift: a certificate may start this far in Signet's future. */
export const CLOCK_SKEW_MS = 5 * 60_000;

export function readOutsideCertificate(pem: string): Uint8Array {
  const blocks = fromPem(pem);
  if (blocks.length !== 1 || !/^\s*-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----\s*$/.test(pem)) {
    throw new AppError("bad_request", "Send exactly one PEM block 'BEGIN CERTIFICATE' and nothing else");
  }
  if (blocks[0].length > MAX_CERTIFICATE_BYTES) throw new AppError("too_large", `The certificate is larger than ${MAX_CERTIFICATE_BYTES / 1024} KiB`);
  return blocks[0];
}

export function checkOutsideCertificate(der: Uint8Array, expected: ExpectedIssuance): CertificateInfo {
  try {
    return checkIssuedCertificate(der, expected);
  } catch (err) {
    if (err instanceof ProfileViolation) throw new AppError("bad_request", `Certificate refused: ${err.message.replace(/^certificate refused by its profile: /, "")}`);
    // Anything the ASN.1 parsers reject: the bytes are not a certificate we could have issued.
    throw new AppError("bad_request", `Not a certificate Signet can read: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * A validity the certificate may have at registration: in force now (give or take the skew), no
 * longer than `maxDays` plus `backdateMs` (a responder certificate starts a few minutes early).
 */
export function checkValidityWindow(info: CertificateInfo, now: Date, maxDays: number, what: string, backdateMs = 0): void {
  if (info.notBefore.getTime() > now.getTime() + CLOCK_SKEW_MS) throw new AppError("bad_request", `The ${what} is not valid yet (notBefore ${info.notBefore.toISOString()})`);
  if (info.notAfter.getTime() <= now.getTime()) throw new AppError("bad_request", `The ${what} has expired (notAfter ${info.notAfter.toISOString()})`);
  const lifetime = info.notAfter.getTime() - info.notBefore.getTime();
  if (lifetime > maxDays * 86_400_000 + backdateMs + CLOCK_SKEW_MS) throw new AppError("bad_request", `The ${what} is valid for more than ${maxDays} days`);
}
