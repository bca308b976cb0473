import { apiRoute } from "@/lib/server/http/route";
import { listArtifacts } from "@/lib/server/artifacts/list-artifacts";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ slug: string }>(async ({ req, principal, params }) => listArtifacts(principal, params.slug, Object.fromEntries(new URL(req.url).searchParams)));
