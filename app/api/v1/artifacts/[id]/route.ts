import { apiRoute } from "@/lib/server/http/route";
import { getArtifact } from "@/lib/server/artifacts/get-artifact";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>(async ({ principal, params }) => getArtifact(principal, params.id));
