// The network half of `signet verify`: asks OCSP (URL from the certificate's AIA, or BASE_URL/ocsp)
// and falls back to the CRL (from the CRL DP, rebased onto BASE_URL when given), and asks the store
// whether the artifact itself was revoked. Responses are size-capped and time-limited.
import type { ParsedCertificate } from "../lib/pki/chain/parse-certificate";
import type { ArtifactStatus, CertificateStatus } from "../lib/pki/jpl/verify-plugin-archive";
import { checkCrl } from "../lib/pki/status/crl-status";
import { buildOcspRequest, checkOcspResponse } from "../lib/pki/status/ocsp-status";

const TIMEOUT_MS = 10_000;
const MAX_OCSP_BYTES = 64 * 1024;
const MAX_CRL_BYTES = 32 * 1024 * 1024;
const MAX_JSON_BYTES = 64 * 1024;

export async function fetchCapped(url: string, init: RequestInit, maxBytes: number): Promise<Uint8Array> {
  if (!/^https?:\/\//i.test(url)) throw new Error(`refusing to fetch ${url}: only http(s) URLs`);
  const res = await fetch(url, { ...init, redirect: "follow", signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}`);
  if (Number(res.headers.get("content-length") ?? 0) > maxBytes) throw new Error(`${url} sent more than ${maxBytes} bytes`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > maxBytes) throw new Error(`${url} sent more than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** A certificate URL moved onto `base` (same path), for stores reached under another address. */
export function rebase(url: string, base: string | undefined): string {
  if (!base) return url;
  const u = new URL(url);
  return new URL(u.pathname + u.search, base.endsWith("/") ? base : `${base}/`).toString();
}

export function networkCertificateStatus(opts: { baseUrl?: string; now: Date }) {
  return async (cert: ParsedCertificate, issuer: ParsedCertificate): Promise<CertificateStatus> => {
    const failures: string[] = [];
    const ocspUrls = opts.baseUrl ? [rebase("http://x/ocsp", opts.baseUrl)] : cert.ocspUrls;
    for (const url of ocspUrls) {
      try {
        const der = await fetchCapped(url, { method: "POST", headers: { "content-type": "application/ocsp-request", accept: "application/ocsp-response" }, body: Buffer.from(buildOcspRequest(cert, issuer)) }, MAX_OCSP_BYTES);
        // An answer (even "unknown": never issued) is authoritative; only a failure to get one falls back to the CRL.
        return { ...checkOcspResponse(der, cert, issuer, opts.now), source: `ocsp ${url}` };
      } catch (err) {
        failures.push(`OCSP ${url}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    for (const original of cert.crlUrls) {
      const url = rebase(original, opts.baseUrl);
      try {
        const answer = checkCrl(await fetchCapped(url, { headers: { accept: "application/pkix-crl" } }, MAX_CRL_BYTES), cert, issuer, opts.now);
        return { ...answer, source: `crl ${url}` };
      } catch (err) {
        failures.push(`CRL ${url}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (ocspUrls.length === 0 && cert.crlUrls.length === 0) failures.push("the certificate names no OCSP responder or CRL");
    return { status: "unknown", source: "network", detail: failures.join("; ") };
  };
}

/**
 * Asks the store that signed the archive; without --url, the store is the one named by the plugin
 * certificate's OCSP URL (Signet serves OCSP at BASE_URL/ocsp).
 */
export function networkArtifactStatus(explicitBase: string | undefined) {
  return async (sha256Hex: string, pluginCertificate: ParsedCertificate | undefined): Promise<ArtifactStatus | null> => {
    const derived = pluginCertificate?.ocspUrls.find((u) => /\/ocsp\/?$/.test(u))?.replace(/\/ocsp\/?$/, "");
    const baseUrl = explicitBase ?? derived;
    if (!baseUrl) throw new Error("the plugin certificate does not name its store; pass --url BASE_URL");
    const url = rebase(`http://x/api/v1/artifacts/by-sha256/${sha256Hex}`, baseUrl);
    const body = JSON.parse(Buffer.from(await fetchCapped(url, { headers: { accept: "application/json" } }, MAX_JSON_BYTES)).toString("utf8")) as { known?: boolean; revoked?: boolean; reason?: string | null; revokedAt?: string | null };
    if (!body.known) return null;
    return { revoked: Boolean(body.revoked), reason: body.reason ?? undefined, revokedAt: body.revokedAt ?? undefined };
  };
}

/** The store's active root CAs as it publishes them (GET /api/v1/cas). */
export async function fetchStoreRoots(baseUrl: string): Promise<Uint8Array[]> {
  const body = JSON.parse(Buffer.from(await fetchCapped(rebase("http://x/api/v1/cas", baseUrl), { headers: { accept: "application/json" } }, 4 * 1024 * 1024)).toString("utf8")) as { kind: string; status: string; certificatePem: string }[];
  return body.filter((ca) => ca.kind === "root" && ca.status === "active").map((ca) => new Uint8Array(Buffer.from(ca.certificatePem.replace(/-----[^-]+-----|\s/g, ""), "base64")));
}
