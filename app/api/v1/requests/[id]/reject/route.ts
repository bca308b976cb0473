import { apiRoute, parseJsonBody } from "@/lib/server/http/route";
import { rejectInput, rejectRequest } from "@/lib/server/requests/reject-request";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(async ({ req, principal, params }) => rejectRequest(principal, params.id, await parseJsonBody(req, rejectInput)));
