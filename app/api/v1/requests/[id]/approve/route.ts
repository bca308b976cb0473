import { apiRoute } from "@/lib/server/http/route";
import { approveRequest } from "@/lib/server/requests/approve-request";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(async ({ principal, params }) => approveRequest(principal, params.id));
