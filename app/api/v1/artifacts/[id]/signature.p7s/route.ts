import { apiRoute } from "@/lib/server/http/route";
import { getArtifactSignature } from "@/lib/server/artifacts/get-artifact";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>(async ({ params }) => {
  const signature = await getArtifactSignature(params.id);
  return new Response(Buffer.from(signature.der), {
    headers: {
      "content-type": "application/pkcs7-signature",
      "content-disposition": `attachment; filename="${signature.filename}"`,
      "cache-control": "public, max-age=3600",
    },
  });
});
