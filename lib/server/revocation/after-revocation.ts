// What follows a revocation at once: the issuer's CRL is re-issued and cached OCSP answers for the
// certificate are dropped, so relying parties see it within seconds, not at the next refresh.
import { forgetOcspResponse } from "./ocsp-cache";
import { publishCrl } from "./publish-crl";

export async function refreshRevocationData(issuerCaId: string, serialHex: string): Promise<void> {
  // The revocation itself is committed; each step below is also retried by the background jobs
  // (the OCSP cache poll, the CRL refresh), so a failure here is reported, not thrown.
  try {
    await forgetOcspResponse(issuerCaId, serialHex);
  } catch (err) {
    console.error("[signet] dropping pre-signed OCSP answers after revocation failed:", err instanceof Error ? err.message : err);
  }
  try {
    await publishCrl(issuerCaId);
  } catch (err) {
    console.error("[signet] CRL re-issue after revocation failed:", err instanceof Error ? err.message : err);
  }
}
