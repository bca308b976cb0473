import { apiRoute, parseJsonBody } from "@/lib/server/http/route";
import { pluginCertRequestInput, requestPluginCert } from "@/lib/server/requests/request-plugin-cert";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ slug: string }>(async ({ req, principal, params }) => {
  const input = await parseJsonBody(req, pluginCertRequestInput);
  return Response.json(await requestPluginCert(principal, params.slug, input), { status: 201 });
});
