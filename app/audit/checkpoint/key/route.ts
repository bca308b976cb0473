import { apiRoute } from "@/lib/server/http/route";
import { publishedCheckpointKey } from "@/lib/server/audit/audit-checkpoint";

export const dynamic = "force-dynamic";

// `?format=pem` answers the bare SPKI PEM, for `openssl pkeyutl -verify -pubin -inkey`.
export const GET = apiRoute(async ({ req }) => {
  const key = publishedCheckpointKey();
  if (new URL(req.url).searchParams.get("format") === "pem") {
    return new Response(key.publicKeyPem, { headers: { "content-type": "application/x-pem-file", "cache-control": "no-store" } });
  }
  return key;
});
