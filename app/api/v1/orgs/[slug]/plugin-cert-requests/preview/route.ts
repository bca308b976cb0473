import { apiRoute, parseJsonBody } from "@/lib/server/http/route";
import { previewPluginCert } from "@/lib/server/requests/preview-plugin-cert";
import { pluginCertRequestInput } from "@/lib/server/requests/request-plugin-cert";

export const dynamic = "force-dynamic";

// A dry run: nothing is stored, so 200 (not 201), and the body is what GET /requests/{id} calls willIssue.
export const POST = apiRoute<{ slug: string }>(async ({ req, principal, params }) => {
  const input = await parseJsonBody(req, pluginCertRequestInput);
  return previewPluginCert(principal, params.slug, input);
});
