import { apiRoute } from "@/lib/server/http/route";
import { cancelInvitation } from "@/lib/server/members/invitations";

export const dynamic = "force-dynamic";

export const DELETE = apiRoute<{ slug: string; id: string }>(async ({ principal, params }) => cancelInvitation(principal, params.slug, params.id));
