import { apiRoute } from "@/lib/server/http/route";
import { verifyAuditLog } from "@/lib/server/audit/verify-audit-chain";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ principal }) => verifyAuditLog(principal));
