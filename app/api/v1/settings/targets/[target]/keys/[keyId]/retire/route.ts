import { apiRoute } from "@/lib/server/http/route";
import { retireStoreKey } from "@/lib/server/targets/manage-targets";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ target: string; keyId: string }>(async ({ principal, params }) => retireStoreKey(principal, params.target, params.keyId));
