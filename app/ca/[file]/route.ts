import { getCaCertificateDer, getCaCertificatePem } from "@/lib/server/cas/list-cas";
import { problem } from "@/lib/server/http/problem";
import { errorResponse } from "@/lib/server/http/problem";

export const dynamic = "force-dynamic";

const FILE = /^([A-Za-z0-9_-]{1,64})\.(crt|pem|der|cer)$/;

export async function GET(_req: Request, ctx: { params: Promise<{ file: string }> }): Promise<Response> {
  const match = FILE.exec((await ctx.params).file);
  if (!match) return problem(404, "Ask for /ca/{caId}.crt (DER) or /ca/{caId}.pem");
  try {
    const headers = { "cache-control": "public, max-age=3600" };
    if (match[2] === "pem") return new Response(await getCaCertificatePem(match[1]), { headers: { ...headers, "content-type": "application/x-pem-file" } });
    return new Response(Buffer.from(await getCaCertificateDer(match[1])), { headers: { ...headers, "content-type": "application/pkix-cert" } });
  } catch (err) {
    return errorResponse(err);
  }
}
