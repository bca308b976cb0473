import { apiRoute, json, parseJsonBody } from "@/lib/server/http/route";
import { reapplyInput, reapplyOrg } from "@/lib/server/orgs/reapply-org";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ slug: string }>(async ({ req, principal, params }) => json(await reapplyOrg(principal, params.slug, await parseJsonBody(req, reapplyInput)), { status: 201 }));
