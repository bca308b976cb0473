import { apiRoute, parseJsonBody } from "@/lib/server/http/route";
import { addStoreKey, createKeyBody } from "@/lib/server/targets/manage-targets";

export const dynamic = "force-dynamic";

// A new key starts as "next": published on /trust, not yet signing.
export const POST = apiRoute<{ target: string }>(async ({ req, principal, params }) =>
  Response.json(await addStoreKey(principal, params.target, req.headers.get("content-length") === "0" || !req.body ? {} : await parseJsonBody(req, createKeyBody)), { status: 201 }),
);
