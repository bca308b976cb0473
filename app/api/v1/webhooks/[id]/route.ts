import { apiRoute } from "@/lib/server/http/route";
import { deleteWebhook } from "@/lib/server/webhooks/manage-webhooks";

export const dynamic = "force-dynamic";

export const DELETE = apiRoute<{ id: string }>(async ({ principal, params }) => {
  await deleteWebhook(principal, params.id);
  return new Response(null, { status: 204 });
});
