// Archive refusals from lib/pki become the API's domain errors: 413 for size, 400 for shape, with
// the refusal's code and entry in the problem+json body so a CI log says exactly what to fix.
import { ArchiveError, SIZE_CODES } from "../../pki/jpl/archive-error";
import { AppError } from "../errors";

export function archiveProblem(err: unknown): unknown {
  if (!(err instanceof ArchiveError)) return err;
  return new AppError(SIZE_CODES.has(err.code) ? "too_large" : "bad_request", err.message, { archiveError: err.code, ...(err.entry ? { entry: err.entry } : {}), ...(err.field ? { field: err.field } : {}) });
}
