import { apiRoute } from "@/lib/server/http/route";
import { activateStoreKey } from "@/lib/server/targets/manage-targets";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ target: string; keyId: string }>(async ({ principal, params }) => activateStoreKey(principal, params.target, params.keyId));
