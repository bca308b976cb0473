import { apiRoute, parseJsonBody } from "@/lib/server/http/route";
import { updateTarget, updateTargetBody } from "@/lib/server/targets/manage-targets";

export const dynamic = "force-dynamic";

// Enabling a target creates its first store key (active), inside the same transaction.
export const PUT = apiRoute<{ target: string }>(async ({ req, principal, params }) => updateTarget(principal, params.target, await parseJsonBody(req, updateTargetBody, 512 * 1024)));
