import { errorResponse } from "@/lib/server/http/problem";
import { getStoreKeyFile } from "@/lib/server/targets/trust";

export const dynamic = "force-dynamic";

// The key file a host installs, byte for byte as stored: no re-encoding, no added newline.
export async function GET(_req: Request, ctx: { params: Promise<{ target: string; keyId: string }> }): Promise<Response> {
  try {
    const { target, keyId } = await ctx.params;
    const file = await getStoreKeyFile(target, keyId);
    return new Response(file.body, { headers: { "content-type": file.contentType, "content-disposition": `attachment; filename="${file.filename}"`, "cache-control": "public, max-age=300" } });
  } catch (err) {
    return errorResponse(err);
  }
}
