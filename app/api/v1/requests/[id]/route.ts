import { apiRoute } from "@/lib/server/http/route";
import { getRequest } from "@/lib/server/requests/get-request";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>(async ({ principal, params }) => getRequest(principal, params.id));
