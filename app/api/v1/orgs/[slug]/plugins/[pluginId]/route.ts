import { apiRoute } from "@/lib/server/http/route";
import { getPlugin } from "@/lib/server/orgs/get-plugin";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ slug: string; pluginId: string }>(async ({ principal, params }) => getPlugin(principal, params.slug, params.pluginId));
