import { apiRoute } from "@/lib/server/http/route";
import { withdrawRequest } from "@/lib/server/requests/withdraw-request";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(async ({ principal, params }) => withdrawRequest(principal, params.id));
