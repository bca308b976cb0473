// The wrapper every JSON API route handler uses: resolve the principal, enforce CSRF on cookie
// writes, cap and parse the body, map errors. Handlers stay ~30 lines with no Prisma and no crypto.
import type { ZodType } from "zod";
import { AppError } from "../errors";
import { env } from "../../env";
import { ANONYMOUS, type Principal } from "../auth/principal";
import { recordDenial, wasAudited } from "../audit/record-denial";
import { resolvePrincipal } from "../auth/resolve-principal";
import { errorResponse } from "./problem";
import { assertStorableText } from "./text-input";

export const DEFAULT_JSON_LIMIT = 256 * 1024;

type Context<P> = { params: Promise<P> };
export type Handler<P> = (input: { req: Request; principal: Principal; params: P }) => Promise<Response | unknown>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A cookie-authenticated write must come from our own pages: browsers send Origin on every
 * cross-site POST, and Sec-Fetch-Site on all modern ones. Token-authenticated calls carry no
 * ambient credential, so they need no CSRF check.
 */
export function assertSameOrigin(req: Request): void {
  if (SAFE_METHODS.has(req.method) || !req.headers.get("cookie") || req.headers.get("authorization")) return;
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") throw new AppError("forbidden", "Cross-site request refused (CSRF)");
  const origin = req.headers.get("origin");
  if (!origin) {
    if (site === "same-origin") return;
    throw new AppError("forbidden", "Missing Origin header on a cookie-authenticated write (CSRF)");
  }
  const allowed = new Set([new URL(env().publicUrl).origin, new URL(req.url).origin]);
  const host = req.headers.get("host");
  if (host) allowed.add(`${new URL(req.url).protocol}//${host}`);
  if (!allowed.has(origin)) throw new AppError("forbidden", "Cross-origin request refused (CSRF)");
}

export function json(data: unknown, init?: ResponseInit): Response {
  return new Response(JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? v.toString() : v)), {
    ...init,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...(init?.headers ?? {}) },
  });
}

export function apiRoute<P = Record<string, never>>(handler: Handler<P>) {
  return async (req: Request, ctx: Context<P>): Promise<Response> => {
    let principal: Principal = ANONYMOUS;
    try {
      assertSameOrigin(req);
      principal = await resolvePrincipal(req.headers);
      const params = ctx?.params ? await ctx.params : ({} as P);
      assertStorableText(queryValues(new URL(req.url).searchParams), "The query string");
      assertStorableText(params, "The URL path");
      const result = await handler({ req, principal, params });
      return result instanceof Response ? result : json(result);
    } catch (err) {
      await auditRefusal(req, principal, err);
      return errorResponse(err);
    }
  };
}

/**
 * 403 (denied) and 409 (failed) answers leave an audit event, written outside the workflow's rolled-back
 * transaction. Only the method and path are kept (never the query or body: they may carry secrets);
 * invitation links carry their token in the path, so that segment is dropped.
 */
async function auditRefusal(req: Request, principal: Principal, err: unknown): Promise<void> {
  const path = new URL(req.url).pathname.replace(/\/invitations\/[^/]+/g, "/invitations/{token}").replace(/\/password-resets\/[^/]+/g, "/password-resets/{token}").slice(0, 200);
  await recordRefusal(principal, req.method, path, err);
}

/** The same record for one item of a bulk call, named by the single-item route it stands for. */
export async function recordRefusal(principal: Principal, method: string, path: string, err: unknown): Promise<void> {
  if (!(err instanceof AppError) || wasAudited(err)) return;
  const denied = err.code === "forbidden";
  if (!denied && err.code !== "conflict" && err.code !== "already_initialized") return;
  await recordDenial({
    actor: principal,
    action: denied ? "http.forbidden" : "http.conflict",
    subjectType: "request",
    subjectId: `${method} ${path}`,
    outcome: denied ? "denied" : "failure",
    details: { method, path, status: denied ? 403 : 409, code: err.code, detail: err.message.slice(0, 300) },
  });
}

/** Reads the body as UTF-8 text, refusing more than `limit` bytes before buffering it all. */
export async function readCappedBody(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) {
    throw new AppError("too_large", `Request body is larger than ${limit} bytes`);
  }
  if (!req.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new AppError("too_large", `Request body is larger than ${limit} bytes`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

export async function parseJsonBody<T>(req: Request, schema: ZodType<T>, limit = DEFAULT_JSON_LIMIT): Promise<T> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new AppError("unsupported_media_type", "Send the request body as application/json");
  }
  const raw = await readCappedBody(req, limit);
  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new AppError("bad_request", "The request body is not valid JSON");
  }
  assertStorableText(value, "The request body");
  return schema.parse(value);
}

/** Every value of every query parameter (a repeated one too), keyed by name. */
export function queryValues(search: URLSearchParams): Record<string, string | string[]> {
  // No prototype: a parameter named "__proto__" must be an entry like any other, not a setter.
  const values: Record<string, string | string[]> = Object.create(null);
  for (const name of new Set(search.keys())) {
    const all = search.getAll(name);
    values[name] = all.length === 1 ? all[0] : all;
  }
  return values;
}

export { requireUser } from "../auth/principal";
