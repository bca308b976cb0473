import { apiRoute, parseJsonBody } from "@/lib/server/http/route";
import { getStorePolicy, storePolicyPatch, storePolicyPut, updateStorePolicy } from "@/lib/server/settings/update-store-policy";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ principal }) => getStorePolicy(principal));

export const PUT = apiRoute(async ({ req, principal }) => updateStorePolicy(principal, await parseJsonBody(req, storePolicyPut)));

export const PATCH = apiRoute(async ({ req, principal }) => updateStorePolicy(principal, await parseJsonBody(req, storePolicyPatch)));
