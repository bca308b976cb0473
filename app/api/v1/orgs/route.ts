import { apiRoute, parseJsonBody } from "@/lib/server/http/route";
import { pageResponse } from "@/lib/server/http/keyset-page";
import { enforceSharedRateLimit, RATE_RULES } from "@/lib/server/http/rate-limit";
import { listOrgs } from "@/lib/server/orgs/list-orgs";
import { registerOrg, registerOrgInput } from "@/lib/server/orgs/register-org";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ req, principal }) => pageResponse(req, await listOrgs(principal, Object.fromEntries(new URL(req.url).searchParams))));

export const POST = apiRoute(async ({ req }) => {
  await enforceSharedRateLimit(RATE_RULES.registration, req.headers);
  const input = await parseJsonBody(req, registerOrgInput);
  return Response.json(await registerOrg(input), { status: 201, headers: { "cache-control": "no-store" } });
});
