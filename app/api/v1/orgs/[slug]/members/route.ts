import { apiRoute } from "@/lib/server/http/route";
import { listMembers } from "@/lib/server/members/list-members";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ slug: string }>(async ({ principal, params }) => listMembers(principal, params.slug));
