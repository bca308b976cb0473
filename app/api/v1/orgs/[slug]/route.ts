import { apiRoute } from "@/lib/server/http/route";
import { getOrg } from "@/lib/server/orgs/list-orgs";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ slug: string }>(async ({ principal, params }) => getOrg(principal, params.slug));
