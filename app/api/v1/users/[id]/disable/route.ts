import { apiRoute, parseJsonBody } from "@/lib/server/http/route";
import { disableUser, disableUserInput } from "@/lib/server/users/disable-user";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(async ({ req, principal, params }) => disableUser(principal, params.id, await parseJsonBody(req, disableUserInput)));
