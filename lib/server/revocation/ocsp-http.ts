// OCSP over HTTP (RFC 6960 Appendix A, RFC 5019 §5): the request arrives as a POST body or as
// base64 in the GET path; either way the answer is a DER OCSPResponse at HTTP 200, and nothing
// here ever throws to the framework (which would turn it into a 500).
import { OCSP_REQUEST_MAX_BYTES } from "../../pki/ocsp/ocsp-request";
import { answerOcsp } from "./answer-ocsp";
import { ocspErrorAnswer, type OcspAnswer } from "./ocsp-answer";
import { reportOcspFailure } from "./ocsp-failures";

// GET is meant for small requests (RFC 5019 §5: POST once the encoded request passes 255 bytes);
// 8 KiB of path is ample and stays under common proxy and Node header limits.
const MAX_GET_PATH_CHARS = 8 * 1024;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The POST body, or undefined when it is not an OCSP request of acceptable size. Reading stops
 * at the cap, whatever Content-Length claims.
 */
export async function readOcspPostBody(req: Request): Promise<Uint8Array | undefined> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/ocsp-request" || !req.body) return undefined;
  if (Number(req.headers.get("content-length") ?? 0) > OCSP_REQUEST_MAX_BYTES) return undefined;
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return Buffer.concat(chunks);
      total += value.byteLength;
      if (total > OCSP_REQUEST_MAX_BYTES) return undefined;
      chunks.push(value);
    }
  } catch {
    return undefined;
  } finally {
    reader.cancel().catch(() => {});
  }
}

/**
 * The request from GET /ocsp/{url-encoded base64 DER}. Base64 contains '/', so the path arrives
 * as several segments; clients differ in what they escape ('+', '/', '='), so both escaped and
 * raw forms are taken, and base64url as well.
 */
export function decodeOcspGetPath(segments: readonly string[] | string | undefined): Uint8Array | undefined {
  let text: string = typeof segments === "string" ? segments : (segments ?? []).join("/");
  if (text.length === 0 || text.length > MAX_GET_PATH_CHARS) return undefined;
  if (text.includes("%")) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return undefined;
    }
  }
  // A '+' decoded as a space by a form-style decoder along the way.
  text = text.replace(/ /g, "+").replace(/-/g, "+").replace(/_/g, "/");
  if (text.length % 4 === 1) return undefined;
  if (!BASE64.test(text)) return undefined;
  return Buffer.from(text, "base64");
}

/** Whether an If-None-Match header names this ETag (weak comparison, RFC 9110 §13.1.2). */
export function matchesEtag(ifNoneMatch: string | null | undefined, etag: string): boolean {
  return Boolean(ifNoneMatch && ifNoneMatch.split(",").some((t) => t.trim().replace(/^W\//, "") === etag || t.trim() === "*"));
}

function toResponse(answer: OcspAnswer, req: Request): Response {
  const etag = answer.headers.etag;
  if (etag && (req.method === "GET" || req.method === "HEAD") && matchesEtag(req.headers.get("if-none-match"), etag)) {
    return new Response(null, { status: 304, headers: answer.headers });
  }
  return new Response(req.method === "HEAD" ? null : new Uint8Array(answer.der), { status: answer.status, headers: { ...answer.headers, "content-length": String(answer.der.length) } });
}

/** Everything a route handler does: read the request, answer it, map the answer to HTTP. */
export async function respondToOcsp(req: Request, readRequest: () => Promise<Uint8Array | undefined>): Promise<Response> {
  try {
    const der = await readRequest();
    const answer = der ? await answerOcsp(der) : ocspErrorAnswer("malformedRequest");
    return toResponse(answer, req);
  } catch (err) {
    reportOcspFailure("HTTP handling", err);
    return toResponse(ocspErrorAnswer("internalError"), req);
  }
}
