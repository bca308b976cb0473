import { apiRoute } from "@/lib/server/http/route";
import { signArtifactUpload } from "@/lib/server/artifacts/sign-artifact";

export const dynamic = "force-dynamic";

// Body: the archive itself (application/zip) or multipart/form-data with a `file` field; streamed
// to disk under a size cap by the workflow, never buffered here. `?target=` names the store format.
export const POST = apiRoute<{ slug: string; pluginId: string }>(async ({ req, principal, params }) =>
  Response.json(await signArtifactUpload(principal, params.slug, params.pluginId, req, new Date(), new URL(req.url).searchParams.get("target")), { status: 201 }),
);
