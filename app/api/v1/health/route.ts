// Liveness: 200 whenever the process answers, with the database's state in the body.
import { checkHealth } from "@/lib/server/health/check-health";
import { json } from "@/lib/server/http/route";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  return json(await checkHealth());
}
