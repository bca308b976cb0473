// The events Signet POSTs to webhooks, and which receiver URLs an operator may register.
import { z } from "zod";

export const WEBHOOK_EVENTS = ["certificate.issued", "certificate.revoked", "certificate.expiring", "request.pending"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const LOOPBACK_HOSTS = new Set(["localhost", "[::1]"]);

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/**
 * https anywhere; plain http only to this machine (a local relay or a test receiver), because the
 * body and its signature would otherwise cross the network in clear. No credentials in the URL:
 * they would be stored and shown like any other part of it.
 */
export const webhookUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .superRefine((value, ctx) => {
    // One check at a time: zod runs later refinements even after an earlier one failed.
    const url = URL.canParse(value) ? new URL(value) : null;
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
      ctx.addIssue({ code: "custom", message: "Enter an http(s) URL" });
    } else if (url.protocol === "http:" && !isLoopback(url.hostname)) {
      ctx.addIssue({ code: "custom", message: "Plain http is allowed only for loopback receivers (127.0.0.1, ::1, localhost); use https" });
    } else if (url.username || url.password) {
      ctx.addIssue({ code: "custom", message: "Put no credentials in the URL; receivers authenticate Signet by the X-Signet-Signature header" });
    }
  });

export const createWebhookInput = z.object({
  url: webhookUrlSchema,
  description: z.string().trim().max(200).default(""),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length).default([...WEBHOOK_EVENTS]),
});
