import { apiRoute, json, parseJsonBody } from "@/lib/server/http/route";
import { inviteInput, inviteMember, listInvitations } from "@/lib/server/members/invitations";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ slug: string }>(async ({ principal, params }) => listInvitations(principal, params.slug));

/** The answer never carries the link: it goes only to the invited address. */
export const POST = apiRoute<{ slug: string }>(async ({ req, principal, params }) => json(await inviteMember(principal, params.slug, await parseJsonBody(req, inviteInput)), { status: 201 }));
