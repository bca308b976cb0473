import { apiRoute } from "@/lib/server/http/route";
import { listAuditEvents } from "@/lib/server/audit/list-audit-events";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ req, principal }) => listAuditEvents(principal, Object.fromEntries(new URL(req.url).searchParams)));
