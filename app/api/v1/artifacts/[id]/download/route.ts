import { apiRoute } from "@/lib/server/http/route";
import { openArtifactDownload } from "@/lib/server/artifacts/get-artifact";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>(async ({ principal, params }) => {
  const file = await openArtifactDownload(principal, params.id);
  return new Response(file.body, {
    headers: {
      "content-type": file.contentType,
      "content-length": String(file.size),
      "content-disposition": `attachment; filename="${file.filename}"`,
      "cache-control": "private, no-store",
      // RFC 9530 digest of the representation, so clients can check what they received.
      "repr-digest": `sha-256=:${Buffer.from(file.sha256, "hex").toString("base64")}:`,
    },
  });
});
