// OCSP by POST (RFC 6960 §A.1): body application/ocsp-request, answer application/ocsp-response.
// Anything unreadable — wrong type, over 10 KiB, no body — is answered malformedRequest at 200.
import { readOcspPostBody, respondToOcsp } from "@/lib/server/revocation/ocsp-http";

export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  return respondToOcsp(req, () => readOcspPostBody(req));
}

/** GET /ocsp with no request in the path. */
export async function GET(req: Request): Promise<Response> {
  return respondToOcsp(req, async () => undefined);
}
