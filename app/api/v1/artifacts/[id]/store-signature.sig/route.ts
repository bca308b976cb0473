import { apiRoute } from "@/lib/server/http/route";
import { getStoreSignature } from "@/lib/server/artifacts/get-artifact";

export const dynamic = "force-dynamic";

// Mattermost's detached OpenPGP signature, binary (what `mmctl plugin add` and the marketplace take).
export const GET = apiRoute<{ id: string }>(async ({ params }) => {
  const signature = await getStoreSignature(params.id);
  return new Response(Buffer.from(signature.bytes), {
    headers: {
      "content-type": "application/pgp-signature",
      "content-disposition": `attachment; filename="${signature.filename}"`,
      "cache-control": "public, max-age=3600",
    },
  });
});
