// OCSP by GET (RFC 6960 §A.1, RFC 5019 §5): /ocsp/{url-encoded base64 of the DER request}.
// Base64 holds '/', hence the catch-all segment. Answers carry RFC 5019 caching headers, so any
// CDN may serve them; If-None-Match is honoured with 304.
import { decodeOcspGetPath, respondToOcsp } from "@/lib/server/revocation/ocsp-http";

export const dynamic = "force-dynamic";

export async function GET(req: Request, ctx: { params: Promise<{ req: string[] }> }): Promise<Response> {
  return respondToOcsp(req, async () => decodeOcspGetPath((await ctx.params).req));
}
