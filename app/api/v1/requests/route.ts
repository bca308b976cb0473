import { apiRoute } from "@/lib/server/http/route";
import { pageResponse } from "@/lib/server/http/keyset-page";
import { listRequests } from "@/lib/server/requests/list-requests";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ req, principal }) => pageResponse(req, await listRequests(principal, Object.fromEntries(new URL(req.url).searchParams))));
