// OCSPResponse (RFC 6960 §4.2.1): the outer envelope, with responseBytes for a successful answer
// and without them for an error status (§2.3).
import { enumerated, explicit, octetString, oid, sequence } from "../der";

export const OCSP_RESPONSE_STATUS = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
} as const;
export type OcspResponseStatusName = keyof typeof OCSP_RESPONSE_STATUS;
export type OcspErrorStatus = Exclude<OcspResponseStatusName, "successful">;

export const OID_OCSP_BASIC = "1.3.6.1.5.5.7.48.1.1";

export function encodeOcspResponse(basicOcspResponseDer: Uint8Array): Buffer {
  return sequence(enumerated(OCSP_RESPONSE_STATUS.successful), explicit(0, sequence(oid(OID_OCSP_BASIC), octetString(basicOcspResponseDer))));
}

const errorResponses = new Map<OcspErrorStatus, Buffer>();

/** An error answer carries only its status: nothing is signed (RFC 6960 §2.3). */
export function ocspErrorResponse(status: OcspErrorStatus): Buffer {
  let der = errorResponses.get(status);
  if (!der) {
    der = sequence(enumerated(OCSP_RESPONSE_STATUS[status]));
    errorResponses.set(status, der);
  }
  return Buffer.from(der);
}
