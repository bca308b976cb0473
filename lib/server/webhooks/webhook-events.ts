// The events Signet POSTs to webhooks, and which receiver URLs an operator may register.
import { z } from "zod";

export const WEBHOOK_EVENTS = [
  "org.registered",
  "org.suspended",
  "request.pending",
  "request.approved",
  "request.rejected",
  "request.withdrawn",
  "certificate.issued",
  "certificate.revoked",
  "certificate.expiring",
  "artifact.signed",
  "artifact.revoked",
] as const;
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

/** What a store webhook created without `events` listens to: the four it always did, so existing clients see no new types. */
export const DEFAULT_STORE_WEBHOOK_EVENTS = ["certificate.issued", "certificate.revoked", "certificate.expiring", "request.pending"] as const satisfies readonly WebhookEvent[];

export const createWebhookInput = z.object({
  url: webhookUrlSchema,
  description: z.string().trim().max(200).default(""),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length).default([...DEFAULT_STORE_WEBHOOK_EVENTS]),
});

/**
 * An organization's own receiver: https only, and never a literal loopback, private or link-local
 * address (the server would otherwise POST into its own network for anyone who can register an org).
 */
export const orgWebhookUrlSchema = webhookUrlSchema.superRefine((value, ctx) => {
  const url = URL.canParse(value) ? new URL(value) : null;
  if (!url) return;
  if (url.protocol !== "https:") ctx.addIssue({ code: "custom", message: "An organization's webhook must use https" });
  else if (isLoopback(url.hostname) || isPrivateAddress(url.hostname)) ctx.addIssue({ code: "custom", message: "The receiver must be a public host, not a loopback, private or link-local address" });
});

function isPrivateAddress(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "0.0.0.0" || h.endsWith(".localhost") || h.endsWith(".internal") || h.endsWith(".local")) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(h);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  return h.includes(":") && (h === "::" || h.startsWith("fc") || h.startsWith("fd") || h.startsWith("fe80") || h.startsWith("::ffff:"));
}

/** The events an organization's webhook may ask for: its own, never another organization's. */
export const ORG_WEBHOOK_EVENTS = WEBHOOK_EVENTS.filter((e) => e !== "org.registered");

export const createOrgWebhookInput = z.object({
  url: orgWebhookUrlSchema,
  description: z.string().trim().max(200).default(""),
  events: z.array(z.enum(ORG_WEBHOOK_EVENTS as [string, ...string[]])).min(1).max(ORG_WEBHOOK_EVENTS.length).default([...ORG_WEBHOOK_EVENTS]),
});
