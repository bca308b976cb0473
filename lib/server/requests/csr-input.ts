// CSRs from outside: size-capped, parsed strictly by lib/pki, refusals mapped to clear 4xx errors.
import type { Profile } from "../../pki/certificate/profiles";
import { CsrError, parseCsr, type ParsedCsr } from "../../pki/csr/parse-csr";
import { toBytes } from "../db/bytes";
import { AppError } from "../errors";

export const MAX_CSR_BYTES = 64 * 1024;

/**
 * Parses an uploaded CSR and refuses, at the edge, any key the certificate `profile` would refuse
 * at approval: what is accepted here is exactly what can be approved.
 */
export function parseCsrInput(csr: string, profile: Pick<Profile, "kind" | "allowedKeys">, why = ""): ParsedCsr {
  if (Buffer.byteLength(csr, "utf8") > MAX_CSR_BYTES) {
    throw new AppError("too_large", `The CSR is larger than ${MAX_CSR_BYTES / 1024} KiB`);
  }
  let parsed: ParsedCsr;
  try {
    parsed = parseCsr(csr, { maxBytes: MAX_CSR_BYTES });
  } catch (err) {
    if (err instanceof CsrError) throw new AppError("bad_request", `Invalid CSR: ${err.message}`, { csrError: err.code });
    throw err;
  }
  if (!profile.allowedKeys.includes(parsed.keyAlgorithm)) {
    throw new AppError("bad_request", `Invalid CSR: subjectPublicKeyInfo: a ${parsed.keyAlgorithm} key is not certified for ${PROFILE_NAMES[profile.kind]} (allowed: ${profile.allowedKeys.join(", ")})${why}`, { csrError: "unsupported_key" });
  }
  return parsed;
}

/** parseCsrInput for a form field: a refusal also carries `errors: [{path: field, message}]`, so the console shows it under the field. */
export function parseCsrField(csr: string, profile: Pick<Profile, "kind" | "allowedKeys">, why = "", field = "csrPem"): ParsedCsr {
  try {
    return parseCsrInput(csr, profile, why);
  } catch (err) {
    if (err instanceof AppError) throw new AppError(err.code, err.message, { ...err.details, errors: [{ path: field, message: err.message.replace(/^Invalid CSR: /, "") }] });
    throw err;
  }
}

const PROFILE_NAMES: Record<Profile["kind"], string> = { rootCa: "a root CA", orgCa: "an organization CA", plugin: "a plugin certificate", ocspResponder: "an OCSP responder" };

/** Data kept on a request for the operator's review (everything but the CSR bytes themselves). */
export function csrSummary(csr: ParsedCsr) {
  return {
    csrDer: toBytes(csr.der),
    publicKeySpki: toBytes(csr.publicKeySpki),
    keyAlgorithm: csr.keyAlgorithm,
    keySize: csr.keySize,
    fingerprintSha256: csr.fingerprintSha256,
  };
}
