// The OCSP responder (RFC 6960, profiled by RFC 5019 / RFC 9919). Whatever arrives, the answer is
// a DER OCSPResponse at HTTP 200: garbage → malformedRequest, an issuer we do not sign for →
// unauthorized, the database out of reach → tryLater, any other failure of ours → internalError.
// It never throws.
//
// Hot path: a request without a nonce for one certificate is answered from memory (pre-signed,
// re-signed once less than half its validity remains) and touches no database.
import { serialToHex } from "../../pki/certificate/serial";
import { isDatabaseUnavailable } from "../db/unavailable";
import type { CertStatus } from "../../pki/ocsp/basic-ocsp-response";
import { OcspRequestError, parseOcspRequest, type OcspRequest, type RequestedCertId } from "../../pki/ocsp/ocsp-request";
import { cacheableAnswer, etagOf, ocspErrorAnswer, signOcsp, uncacheableAnswer, type OcspAnswer } from "./ocsp-answer";
import { cacheKey, certIdFormOf, getCachedOcsp, getKeptOcsp, getWholeAnswer, OCSP_REFRESH_BEFORE_MS, putCachedOcsp, putWholeAnswer, requestKey, type CachedOcsp } from "./ocsp-cache";
import { reportOcspFailure } from "./ocsp-failures";
import { findOcspIssuer, type OcspIssuer } from "./ocsp-issuers";
import { responderFor, type OcspResponderSigning } from "./ocsp-responder";
import { loadStoredOcsp, lookupCertStatus, storeOcsp } from "./ocsp-status";

export type { OcspAnswer } from "./ocsp-answer";

const UNKNOWN: CertStatus = { kind: "unknown" };

/** Our stored serial form, or undefined for a negative INTEGER (no certificate carries one). */
function storedSerial(serial: Uint8Array): string | undefined {
  return serial[0] & 0x80 ? undefined : serialToHex(serial);
}

function certIdKey(caId: string, certId: RequestedCertId): string {
  const serialKey = storedSerial(certId.serial) ?? `-${Buffer.from(certId.serial).toString("hex")}`;
  return cacheKey(caId, serialKey, certIdFormOf(certId.hash!, certId.nullParams));
}

async function statusOf(caId: string, certId: RequestedCertId): Promise<CertStatus> {
  const serialHex = storedSerial(certId.serial);
  return serialHex ? lookupCertStatus(caId, serialHex) : UNKNOWN;
}

/** One certificate, no nonce: memory, else the shared pre-signed table, else sign and keep. */
async function answerPreSigned(issuer: OcspIssuer, responder: OcspResponderSigning, certId: RequestedCertId, now: Date): Promise<OcspAnswer> {
  const key = certIdKey(issuer.caId, certId);
  const hit = getCachedOcsp(key, now.getTime());
  if (hit) return cacheableAnswer(hit, now);

  let status: CertStatus;
  try {
    status = await statusOf(issuer.caId, certId);
  } catch (err) {
    const kept = isDatabaseUnavailable(err) ? getKeptOcsp(key, now.getTime()) : undefined;
    if (kept) return cacheableAnswer(kept, now);
    throw err;
  }
  const serialHex = storedSerial(certId.serial);
  const form = certIdFormOf(certId.hash!, certId.nullParams);
  // "unknown" is neither shared nor persisted: anyone may ask about any serial.
  const shareable = serialHex !== undefined && status.kind !== "unknown";
  let entry: CachedOcsp | undefined;
  if (shareable) {
    const stored = await loadStoredOcsp(issuer.caId, serialHex, form);
    // A stored answer is served only if it still says what the database says: one signed while
    // a revocation was committing elsewhere is re-signed, not trusted.
    if (stored && stored.certStatus === status.kind && now.getTime() < stored.nextUpdate.getTime() - OCSP_REFRESH_BEFORE_MS) {
      const der = Buffer.from(stored.der);
      entry = { der, etag: etagOf(der), thisUpdate: stored.thisUpdate, nextUpdate: stored.nextUpdate, refreshAt: stored.nextUpdate.getTime() - OCSP_REFRESH_BEFORE_MS, status };
    }
  }
  if (!entry) {
    entry = { ...(await signOcsp(responder, [{ certIdDer: certId.der, status }], now)), status };
    if (shareable) {
      const signed = entry;
      await storeOcsp(issuer.caId, serialHex, form, { der: signed.der, certStatus: status.kind, thisUpdate: signed.thisUpdate, nextUpdate: signed.nextUpdate }).catch((err) =>
        reportOcspFailure("storing a pre-signed answer", err),
      );
    }
  }
  putCachedOcsp(key, entry);
  return cacheableAnswer(entry, now);
}

/** Several certificates, or a nonce: signed for this request alone (RFC 9654 §2.1). */
async function answerFresh(issuer: OcspIssuer, responder: OcspResponderSigning, request: OcspRequest, now: Date): Promise<OcspAnswer> {
  const responses: { certIdDer: Uint8Array; status: CertStatus }[] = [];
  for (const certId of request.certIds) {
    const status = getCachedOcsp(certIdKey(issuer.caId, certId), now.getTime())?.status ?? (await statusOf(issuer.caId, certId));
    responses.push({ certIdDer: certId.der, status });
  }
  const signed = await signOcsp(responder, responses, now, request.nonce);
  return request.nonce ? uncacheableAnswer(signed.der) : cacheableAnswer(signed, now);
}

export async function answerOcsp(requestDer: Uint8Array, now = new Date()): Promise<OcspAnswer> {
  try {
    const key = requestKey(requestDer);
    const whole = getWholeAnswer(key, now.getTime());
    if (whole) return { status: 200, ...whole };
    let request: OcspRequest;
    try {
      request = parseOcspRequest(requestDer);
    } catch (err) {
      if (err instanceof OcspRequestError) return ocspErrorAnswer("malformedRequest");
      throw err;
    }
    const issuers = await Promise.all(request.certIds.map((id) => (id.hash ? findOcspIssuer(id.hash, id.issuerNameHash, id.issuerKeyHash) : undefined)));
    const issuer = issuers[0];
    // One delegated responder signs for one CA (RFC 6960 §4.2.2.2): a CertID we cannot match —
    // unknown issuer, unsupported hash — or a request spanning CAs is "unauthorized" (§2.3).
    if (!issuer || issuers.some((i) => i?.caId !== issuer.caId)) return ocspErrorAnswer("unauthorized");
    const responder = await responderFor(issuer, now);
    if (typeof responder === "string") return ocspErrorAnswer(responder);
    if (request.certIds.length === 1 && !request.nonce) {
      const answer = await answerPreSigned(issuer, responder, request.certIds[0], now);
      putWholeAnswer(key, answer, now.getTime());
      return answer;
    }
    return await answerFresh(issuer, responder, request, now);
  } catch (err) {
    // RFC 6960 §2.3: tryLater is "temporarily unable to respond", which an unreachable database is.
    if (isDatabaseUnavailable(err)) {
      reportOcspFailure("answer (database unavailable)", err);
      return ocspErrorAnswer("tryLater");
    }
    reportOcspFailure("answer", err);
    return ocspErrorAnswer("internalError");
  }
}
