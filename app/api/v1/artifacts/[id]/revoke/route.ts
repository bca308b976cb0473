import { apiRoute, parseJsonBody } from "@/lib/server/http/route";
import { revokeArtifact, revokeArtifactInput } from "@/lib/server/artifacts/revoke-artifact";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(async ({ req, principal, params }) => revokeArtifact(principal, params.id, await parseJsonBody(req, revokeArtifactInput)));
