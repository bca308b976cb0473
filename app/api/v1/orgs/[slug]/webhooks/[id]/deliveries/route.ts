import { apiRoute } from "@/lib/server/http/route";
import { listOrgWebhookDeliveries } from "@/lib/server/webhooks/manage-webhooks";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ slug: string; id: string }>(async ({ principal, params }) => listOrgWebhookDeliveries(principal, params.slug, params.id));
