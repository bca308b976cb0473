import { apiRoute, parseJsonBody, requireUser } from "@/lib/server/http/route";
import { createApiToken, createTokenInput } from "@/lib/server/tokens/create-api-token";
import { listApiTokens } from "@/lib/server/tokens/manage-api-tokens";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ principal }) => listApiTokens(principal));

export const POST = apiRoute(async ({ req, principal }) => {
  const user = requireUser(principal);
  const input = await parseJsonBody(req, createTokenInput);
  const token = await createApiToken(user, input);
  return new Response(JSON.stringify(token), { status: 201, headers: { "content-type": "application/json", "cache-control": "no-store" } });
});
