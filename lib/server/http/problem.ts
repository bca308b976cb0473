// The one place where errors become HTTP: AppError codes map to statuses and RFC 9457 problem+json;
// an unexpected error is logged server-side and answered with a generic 500 that leaks nothing.
import { ZodError } from "zod";
import { AppError, type AppErrorCode } from "../errors";
import { databaseUnavailable, isDatabaseUnavailable } from "../db/unavailable";

const STATUS: Record<AppErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  already_initialized: 409,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  database_unavailable: 503,
  bad_gateway: 502,
};

const TITLE: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
  502: "Bad Gateway",
};

export function problem(status: number, detail: string, extra?: Record<string, unknown>, headers?: Record<string, string>): Response {
  return new Response(
    JSON.stringify({ type: "about:blank", title: TITLE[status] ?? "Error", status, detail, ...extra }),
    { status, headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...headers } },
  );
}

export function errorResponse(err: unknown): Response {
  // The database going away is the one failure of ours a client can do something about: wait.
  if (isDatabaseUnavailable(err)) err = databaseUnavailable(err);
  if (err instanceof AppError) {
    const retryAfter = err.details?.retryAfter;
    const headers = typeof retryAfter === "number" ? { "retry-after": String(retryAfter) } : undefined;
    return problem(STATUS[err.code], err.message, { code: err.code, ...(err.details ?? {}) }, headers);
  }
  if (err instanceof ZodError) {
    const errors = err.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    const detail = errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join("; ");
    return problem(400, detail || "Invalid input", { code: "bad_request", errors });
  }
  // better-auth refuses bad input with its own APIError: a client error is still a client error.
  const statusCode = (err as { name?: string; statusCode?: unknown } | null)?.statusCode;
  if ((err as { name?: string } | null)?.name === "APIError" && typeof statusCode === "number" && statusCode >= 400 && statusCode < 500) {
    return problem(statusCode, (err as Error).message || "The request was refused");
  }
  console.error("[signet] unexpected error", err);
  return problem(500, "Something went wrong on our side. The event was logged.");
}
