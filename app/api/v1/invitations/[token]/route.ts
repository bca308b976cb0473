import { apiRoute } from "@/lib/server/http/route";
import { describeInvitation } from "@/lib/server/members/invitations";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ token: string }>(async ({ params }) => describeInvitation(params.token));
