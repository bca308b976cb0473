// Readiness: 200 while the database answers; 503 problem+json with Retry-After while it does not.
import { checkHealth } from "@/lib/server/health/check-health";
import { databaseUnavailable } from "@/lib/server/db/unavailable";
import { errorResponse } from "@/lib/server/http/problem";
import { json } from "@/lib/server/http/route";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const health = await checkHealth();
  return health.database === "ok" ? json({ status: "ready", database: "ok" }) : errorResponse(databaseUnavailable());
}
