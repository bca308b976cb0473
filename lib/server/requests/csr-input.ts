// CSRs from outside: size-capped, parsed strictly by lib/pki, refusals mapped to clear 4xx errors.
import { CsrError, parseCsr, type ParsedCsr } from "../../pki/csr/parse-csr";
import { toBytes } from "../db/bytes";
import { AppError } from "../errors";

export const MAX_CSR_BYTES = 64 * 1024;

export function parseCsrInput(csr: string): ParsedCsr {
  if (Buffer.byteLength(csr, "utf8") > MAX_CSR_BYTES) {
    throw new AppError("too_large", `The CSR is larger than ${MAX_CSR_BYTES / 1024} KiB`);
  }
  try {
    return parseCsr(csr, { maxBytes: MAX_CSR_BYTES });
  } catch (err) {
    if (err instanceof CsrError) throw new AppError("bad_request", `Invalid CSR: ${err.message}`, { csrError: err.code });
    throw err;
  }
}

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
