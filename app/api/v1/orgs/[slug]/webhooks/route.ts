import { apiRoute, json, parseJsonBody } from "@/lib/server/http/route";
import { createOrgWebhookInput } from "@/lib/server/webhooks/webhook-events";
import { createOrgWebhook, listOrgWebhooks } from "@/lib/server/webhooks/manage-webhooks";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ slug: string }>(async ({ principal, params }) => listOrgWebhooks(principal, params.slug));

/** The answer carries the signing secret: the only time it is ever returned. */
export const POST = apiRoute<{ slug: string }>(async ({ req, principal, params }) => json(await createOrgWebhook(principal, params.slug, await parseJsonBody(req, createOrgWebhookInput)), { status: 201 }));
