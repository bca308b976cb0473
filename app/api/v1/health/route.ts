import { checkHealth } from "@/lib/server/health/check-health";
import { json } from "@/lib/server/http/route";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const health = await checkHealth();
  return json(health, { status: health.status === "ok" ? 200 : 503 });
}
