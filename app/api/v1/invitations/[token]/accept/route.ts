import { apiRoute, parseJsonBody } from "@/lib/server/http/route";
import { acceptInput, acceptInvitation } from "@/lib/server/members/invitations";

export const dynamic = "force-dynamic";

/** A signed-in invitee may send no body; a new account sends `{name, password}`. */
export const POST = apiRoute<{ token: string }>(async ({ req, principal, params }) => {
  const body = req.headers.get("content-length") === "0" || !req.body ? {} : await parseJsonBody(req, acceptInput);
  return acceptInvitation(principal, params.token, body);
});
