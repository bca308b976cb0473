import { apiRoute, parseJsonBody } from "@/lib/server/http/route";
import { suspendInput, suspendOrg } from "@/lib/server/orgs/suspend-org";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ slug: string }>(async ({ req, principal, params }) => suspendOrg(principal, params.slug, await parseJsonBody(req, suspendInput)));
