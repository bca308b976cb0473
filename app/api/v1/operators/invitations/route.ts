import { apiRoute, json, parseJsonBody } from "@/lib/server/http/route";
import { inviteOperator, inviteOperatorInput, listOperatorInvitations } from "@/lib/server/members/invitations";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ principal }) => listOperatorInvitations(principal));

export const POST = apiRoute(async ({ req, principal }) => json(await inviteOperator(principal, await parseJsonBody(req, inviteOperatorInput)), { status: 201 }));
