import { apiRoute, json, parseJsonBody } from "@/lib/server/http/route";
import { createWebhookInput } from "@/lib/server/webhooks/webhook-events";
import { createWebhook, listWebhooks } from "@/lib/server/webhooks/manage-webhooks";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ principal }) => listWebhooks(principal));

/** The answer carries the signing secret: the only time it is ever returned. */
export const POST = apiRoute(async ({ req, principal }) => json(await createWebhook(principal, await parseJsonBody(req, createWebhookInput)), { status: 201 }));
