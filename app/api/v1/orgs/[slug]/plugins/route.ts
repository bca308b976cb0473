import { apiRoute } from "@/lib/server/http/route";
import { listPlugins } from "@/lib/server/orgs/get-plugin";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ slug: string }>(async ({ principal, params }) => listPlugins(principal, params.slug));
