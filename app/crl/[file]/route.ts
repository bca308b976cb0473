import { errorResponse, problem } from "@/lib/server/http/problem";
import { currentCrl } from "@/lib/server/revocation/current-crl";

export const dynamic = "force-dynamic";

const FILE = /^([A-Za-z0-9_-]{1,64})\.crl$/;

export async function GET(req: Request, ctx: { params: Promise<{ file: string }> }): Promise<Response> {
  const match = FILE.exec((await ctx.params).file);
  if (!match) return problem(404, "Ask for /crl/{caId}.crl");
  try {
    const crl = await currentCrl(match[1]);
    const etag = `"${match[1]}-${crl.crlNumber}"`;
    const maxAge = Math.max(0, Math.min(3600, Math.floor((crl.nextUpdate.getTime() - Date.now()) / 1000)));
    const headers = {
      "content-type": "application/pkix-crl",
      "cache-control": `public, max-age=${maxAge}, no-transform`,
      etag,
      "last-modified": crl.thisUpdate.toUTCString(),
      expires: crl.nextUpdate.toUTCString(),
    };
    if (req.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
    return new Response(Buffer.from(crl.der), { headers });
  } catch (err) {
    return errorResponse(err);
  }
}
