import { apiRoute } from "@/lib/server/http/route";
import { pageResponse } from "@/lib/server/http/keyset-page";
import { listArtifacts } from "@/lib/server/artifacts/list-artifacts";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ slug: string }>(async ({ req, principal, params }) => pageResponse(req, await listArtifacts(principal, params.slug, Object.fromEntries(new URL(req.url).searchParams))));
