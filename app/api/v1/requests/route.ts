import { apiRoute } from "@/lib/server/http/route";
import { listRequests } from "@/lib/server/requests/list-requests";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ req, principal }) => listRequests(principal, Object.fromEntries(new URL(req.url).searchParams)));
