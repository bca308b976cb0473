// Signing an answer and dressing it for HTTP (RFC 5019 §6 / RFC 9919 §6 caching headers).
import crypto from "node:crypto";
import { wholeSeconds } from "../../pki/der";
import { encodeBasicOcspResponse, type CertStatus } from "../../pki/ocsp/basic-ocsp-response";
import { encodeOcspResponse, ocspErrorResponse, type OcspErrorStatus } from "../../pki/ocsp/ocsp-response";
import { OCSP_REFRESH_BEFORE_MS, OCSP_UNKNOWN_REFRESH_AFTER_MS, OCSP_UNKNOWN_VALIDITY_MS, OCSP_VALIDITY_MS, type CachedOcsp } from "./ocsp-cache";
import type { OcspResponderSigning } from "./ocsp-responder";

export const OCSP_RESPONSE_CONTENT_TYPE = "application/ocsp-response";

export type OcspAnswer = { status: 200; der: Buffer; headers: Record<string, string> };

/**
 * HTTP caches may keep an answer at most an hour, and never past nextUpdate less a margin: a
 * revocation then reaches clients behind a CDN within the hour, while an unchanged answer is
 * revalidated cheaply (ETag → 304).
 */
const MAX_AGE_CAP_S = 3600;
const MAX_AGE_MARGIN_S = 300;

export function ocspErrorAnswer(status: OcspErrorStatus): OcspAnswer {
  // RFC 6960 §A.1 / RFC 5019 §5: an OCSP error is still HTTP 200, and never cached.
  return { status: 200, der: ocspErrorResponse(status), headers: { "content-type": OCSP_RESPONSE_CONTENT_TYPE, "cache-control": "no-store" } };
}

export const etagOf = (der: Uint8Array) => `"${crypto.createHash("sha256").update(der).digest("hex").slice(0, 40)}"`;

export function cacheableAnswer(entry: Pick<CachedOcsp, "der" | "etag" | "thisUpdate" | "nextUpdate">, now: Date): OcspAnswer {
  const untilNext = Math.floor((entry.nextUpdate.getTime() - now.getTime()) / 1000) - MAX_AGE_MARGIN_S;
  const maxAge = Math.max(0, Math.min(MAX_AGE_CAP_S, untilNext));
  return {
    status: 200,
    der: entry.der,
    headers: {
      "content-type": OCSP_RESPONSE_CONTENT_TYPE,
      "cache-control": `max-age=${maxAge}, public, no-transform, must-revalidate`,
      etag: entry.etag,
      "last-modified": entry.thisUpdate.toUTCString(),
      expires: entry.nextUpdate.toUTCString(),
    },
  };
}

/** A nonce makes the answer unique to one request: nothing may store it (RFC 5019 §5). */
export function uncacheableAnswer(der: Buffer): OcspAnswer {
  return { status: 200, der, headers: { "content-type": OCSP_RESPONSE_CONTENT_TYPE, "cache-control": "no-store" } };
}

export type SignedOcsp = Omit<CachedOcsp, "status">;

export async function signOcsp(
  responder: OcspResponderSigning,
  responses: { certIdDer: Uint8Array; status: CertStatus }[],
  now: Date,
  nonce?: Uint8Array,
): Promise<SignedOcsp> {
  const thisUpdate = wholeSeconds(now);
  const onlyUnknown = responses.every((r) => r.status.kind === "unknown");
  const validity = onlyUnknown ? OCSP_UNKNOWN_VALIDITY_MS : OCSP_VALIDITY_MS;
  // Never claim an answer outlives the certificate that signs it.
  const nextUpdate = new Date(Math.min(thisUpdate.getTime() + validity, responder.notAfter.getTime()));
  const basic = await encodeBasicOcspResponse({
    responderKeyHash: responder.responderKeyHash,
    producedAt: thisUpdate,
    responses: responses.map((r) => ({ ...r, thisUpdate, nextUpdate })),
    nonce,
    // OpenSSL builds the signer's path only from these and its trust store, not from the issuer
    // the client named, so the org CA rides along.
    certs: responder.certs,
    signer: responder.signer,
  });
  const der = encodeOcspResponse(basic);
  const refreshAt = onlyUnknown ? thisUpdate.getTime() + OCSP_UNKNOWN_REFRESH_AFTER_MS : nextUpdate.getTime() - OCSP_REFRESH_BEFORE_MS;
  return { der, etag: etagOf(der), thisUpdate, nextUpdate, refreshAt };
}
