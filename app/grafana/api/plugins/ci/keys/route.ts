import { errorResponse } from "@/lib/server/http/problem";
import { getGrafanaKeys } from "@/lib/server/targets/trust";

export const dynamic = "force-dynamic";

// What a Grafana whose [grafana_com] url is <SIGNET_PUBLIC_URL>/grafana fetches at start and every 10 days.
export async function GET(): Promise<Response> {
  try {
    return Response.json(await getGrafanaKeys(), { headers: { "cache-control": "public, max-age=300" } });
  } catch (err) {
    return errorResponse(err);
  }
}
