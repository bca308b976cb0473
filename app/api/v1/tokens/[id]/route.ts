import { apiRoute } from "@/lib/server/http/route";
import { revokeApiToken } from "@/lib/server/tokens/manage-api-tokens";

export const dynamic = "force-dynamic";

export const DELETE = apiRoute<{ id: string }>(async ({ principal, params }) => {
  await revokeApiToken(principal, params.id);
  return new Response(null, { status: 204 });
});
