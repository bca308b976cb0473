// What follows a revocation at once: the issuer's CRL is re-issued and cached OCSP answers for the
// certificate are dropped, so relying parties see it within seconds, not at the next refresh.
import { forgetOcspResponse } from "./ocsp-cache";
import { publishCrl } from "./publish-crl";

export async function refreshRevocationData(issuerCaId: string, serialHex: string): Promise<void> {
  await forgetOcspResponse(issuerCaId, serialHex);
  try {
    await publishCrl(issuerCaId);
  } catch (err) {
    // The revocation itself is committed; the CRL job retries within minutes.
    console.error("[signet] CRL re-issue after revocation failed:", err instanceof Error ? err.message : err);
  }
}
