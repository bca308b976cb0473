// OCSP straight on node:http, for the production server (scripts/server.mjs): the responder's hot
// path is a map lookup, and Next's per-request pipeline would cost more than the answer itself.
// Same reading rules, same answers and headers as the route handlers in app/ocsp/, which remain
// for `next dev` and any deployment that runs plain `next start`.
import type { IncomingMessage, ServerResponse } from "node:http";
import { OCSP_REQUEST_MAX_BYTES } from "../../pki/ocsp/ocsp-request";
import { answerOcsp } from "./answer-ocsp";
import { ocspErrorAnswer, type OcspAnswer } from "./ocsp-answer";
import { reportOcspFailure } from "./ocsp-failures";
import { decodeOcspGetPath, matchesEtag } from "./ocsp-http";

function readPostBody(req: IncomingMessage): Promise<Uint8Array | undefined> {
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/ocsp-request" || Number(req.headers["content-length"] ?? 0) > OCSP_REQUEST_MAX_BYTES) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (total > OCSP_REQUEST_MAX_BYTES) {
        chunks.length = 0;
        req.removeAllListeners("data");
        req.resume();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(total > 0 && total <= OCSP_REQUEST_MAX_BYTES ? Buffer.concat(chunks) : undefined));
    req.on("error", () => resolve(undefined));
  });
}

function send(req: IncomingMessage, res: ServerResponse, answer: OcspAnswer): void {
  const etag = answer.headers.etag;
  if (etag && (req.method === "GET" || req.method === "HEAD") && matchesEtag(req.headers["if-none-match"], etag)) {
    res.writeHead(304, answer.headers).end();
    return;
  }
  res.writeHead(answer.status, { ...answer.headers, "content-length": String(answer.der.length) });
  res.end(req.method === "HEAD" ? undefined : answer.der);
}

/** Handles any request under /ocsp; never throws, always answers 200 with a DER OCSPResponse. */
export async function handleOcspNodeRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const path = (req.url ?? "").split("?")[0];
    let der: Uint8Array | undefined;
    if (req.method === "POST") der = await readPostBody(req);
    else if (req.method === "GET" || req.method === "HEAD") der = path.startsWith("/ocsp/") ? decodeOcspGetPath(path.slice("/ocsp/".length)) : undefined;
    else {
      req.resume();
      res.writeHead(405, { allow: "GET, HEAD, POST" }).end();
      return;
    }
    send(req, res, der ? await answerOcsp(der) : ocspErrorAnswer("malformedRequest"));
  } catch (err) {
    reportOcspFailure("HTTP handling", err);
    if (!res.headersSent) send(req, res, ocspErrorAnswer("internalError"));
  }
}
