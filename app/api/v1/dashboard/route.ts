import { apiRoute } from "@/lib/server/http/route";
import { getDashboard } from "@/lib/server/dashboard/get-dashboard";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ principal }) => getDashboard(principal));
