import { apiRoute } from "@/lib/server/http/route";
import { listWebhookDeliveries } from "@/lib/server/webhooks/manage-webhooks";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>(async ({ principal, params }) => listWebhookDeliveries(principal, params.id));
