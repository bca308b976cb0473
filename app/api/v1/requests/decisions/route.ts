import { apiRoute, parseJsonBody } from "@/lib/server/http/route";
import { decideRequests, decideRequestsInput } from "@/lib/server/requests/decide-requests";

export const dynamic = "force-dynamic";

/** Bulk approve/reject: `{decision, ids, reason?}` → `{results:[{id, ok, status?, certificateSerial?, problem?}]}`, each decided on its own. */
export const POST = apiRoute(async ({ req, principal }) => decideRequests(principal, await parseJsonBody(req, decideRequestsInput)));
