import { apiRoute } from "@/lib/server/http/route";
import { deleteOrgWebhook } from "@/lib/server/webhooks/manage-webhooks";

export const dynamic = "force-dynamic";

export const DELETE = apiRoute<{ slug: string; id: string }>(async ({ principal, params }) => {
  await deleteOrgWebhook(principal, params.slug, params.id);
  return new Response(null, { status: 204 });
});
