// The /api/auth handler: better-auth behind Signet's allow-list (./auth-routes.ts).
import { AppError } from "../errors";
import { errorResponse } from "../http/problem";
import { queryValues, readCappedBody } from "../http/route";
import { assertStorableText } from "../http/text-input";
import { auth } from "./auth";
import { checkedByLibrary } from "./library-outage";
import { AUTH_BASE_PATH, isBrowserAuthRoute } from "./auth-routes";

// Sign-in carries an email, a password (≤ 256) and a few flags: anything larger is not a sign-in.
const AUTH_BODY_LIMIT = 16 * 1024;

/**
 * The /api/auth handler: allow-listed routes only, and their input checked like /api/v1's (NUL and
 * lone surrogates refused with a 400 naming the field) before better-auth or the database sees it.
 */
export async function handleAuthRequest(req: Request): Promise<Response> {
  try {
    const url = new URL(req.url);
    // The exact path, undecoded: what is compared is what better-auth's router will dispatch.
    const path = url.pathname.startsWith(`${AUTH_BASE_PATH}/`) ? url.pathname.slice(AUTH_BASE_PATH.length) : "";
    if (!isBrowserAuthRoute(req.method, path)) throw new AppError("not_found", `${url.pathname} is not an identity route Signet serves`);
    assertStorableText(queryValues(url.searchParams), "The query string");
    const a = await auth();
    if (req.method !== "POST") return await checkedByLibrary(() => a.handler(req));
    const body = await readCappedBody(req, AUTH_BODY_LIMIT);
    if (body.length > 0) {
      if (!/^application\/json\b/i.test(req.headers.get("content-type") ?? "")) {
        throw new AppError("unsupported_media_type", "Send the request body as application/json");
      }
      let value: unknown;
      try {
        value = JSON.parse(body.toString("utf8"));
      } catch {
        throw new AppError("bad_request", "The request body is not valid JSON");
      }
      assertStorableText(value, "The request body");
    }
    const headers = new Headers(req.headers);
    headers.delete("content-length");
    const forwarded = new Request(url, { method: "POST", headers, body: body.length > 0 ? new Uint8Array(body) : undefined });
    return await checkedByLibrary(() => a.handler(forwarded));
  } catch (err) {
    return errorResponse(err);
  }
}
