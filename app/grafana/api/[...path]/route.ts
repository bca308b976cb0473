import { errorResponse } from "@/lib/server/http/problem";
import { proxyGrafanaApi } from "@/lib/server/targets/grafana-proxy";

export const dynamic = "force-dynamic";

async function forward(req: Request, ctx: { params: Promise<{ path: string[] }> }): Promise<Response> {
  try {
    return await proxyGrafanaApi(req, (await ctx.params).path);
  } catch (err) {
    return errorResponse(err);
  }
}

export const GET = forward;
export const HEAD = forward;
