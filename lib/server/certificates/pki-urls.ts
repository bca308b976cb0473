import { env } from "../../env";

/** Where certificates issued by `issuerCaId` point relying parties for revocation and the issuer. */
export function pkiUrlsFor(issuerCaId: string) {
  return pkiUrlsAt(env().publicUrl, issuerCaId);
}

/** The same layout under any base URL: `signet issue` writes it offline for external-key CAs. */
export function pkiUrlsAt(publicUrl: string, issuerCaId: string) {
  const base = publicUrl.replace(/\/+$/, "");
  return {
    crlUrl: `${base}/crl/${issuerCaId}.crl`,
    ocspUrl: `${base}/ocsp`,
    caIssuersUrl: `${base}/ca/${issuerCaId}.crt`,
  };
}

export function addDays(date: Date, days: number): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000 + days * 86_400_000);
}

export function wholeSecond(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
