import { apiRoute } from "@/lib/server/http/route";
import { listOperators } from "@/lib/server/users/list-operators";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ principal }) => listOperators(principal));
