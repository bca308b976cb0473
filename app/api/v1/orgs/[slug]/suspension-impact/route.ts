import { apiRoute } from "@/lib/server/http/route";
import { getSuspensionImpact } from "@/lib/server/orgs/suspend-org";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ slug: string }>(async ({ principal, params }) => getSuspensionImpact(principal, params.slug));
