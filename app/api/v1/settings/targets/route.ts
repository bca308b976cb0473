import { apiRoute } from "@/lib/server/http/route";
import { listTargets } from "@/lib/server/targets/manage-targets";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ principal }) => listTargets(principal));
