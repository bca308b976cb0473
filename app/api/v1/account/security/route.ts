import { getSecondFactors } from "@/lib/server/account/second-factors";
import { apiRoute } from "@/lib/server/http/route";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ principal }) => getSecondFactors(principal));
