import { apiRoute } from "@/lib/server/http/route";
import { listNotifications } from "@/lib/server/notifications/list-notifications";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ principal }) => listNotifications(principal));
