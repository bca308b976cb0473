"use client";

// Outgoing webhooks (operators): register a receiver, see its delivery health, remove it. The
// signing secret is shown once; receivers check X-Signet-Signature against it.
import { useState, type FormEvent } from "react";
import { useCreateWebhook, useDeleteWebhook, useWebhooks } from "@/lib/client/settings-hooks";
import { formErrors } from "@/lib/client/field-errors";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { Field, TextInput } from "../ui/field";
import { LoadingRows } from "../ui/skeleton";
import { useToast } from "../ui/toast";
import { SecretOnce } from "./secret-once";
import { WebhookDeliveries } from "./webhook-deliveries";

const EVENTS = [
  ["org.registered", "An organization registered"],
  ["org.suspended", "An organization was suspended"],
  ["request.pending", "A request waits for approval"],
  ["request.approved", "A request was approved"],
  ["request.rejected", "A request was rejected"],
  ["request.withdrawn", "A request was withdrawn"],
  ["certificate.issued", "A certificate was issued"],
  ["certificate.revoked", "A certificate was revoked"],
  ["certificate.expiring", "A certificate expires within 30 (and 7) days"],
  ["artifact.signed", "An archive was signed"],
  ["artifact.revoked", "A signed archive was revoked"],
] as const;

/** The store's webhooks (operators), or with `slug` an organization's own: its events only, https to a public host. */
export function WebhooksPanel({ slug }: { slug?: string } = {}) {
  const hooks = useWebhooks(true, slug);
  const create = useCreateWebhook(slug);
  const remove = useDeleteWebhook(slug);
  const toast = useToast();
  const offered = slug ? EVENTS.filter(([e]) => e !== "org.registered") : EVENTS;
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<string[]>(offered.map(([e]) => e));
  const [secret, setSecret] = useState<string>();
  const [open, setOpen] = useState<string>();

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate(
      { url: url.trim(), description: description.trim(), events },
      {
        onSuccess: (r) => {
          setSecret(r.secret);
          setUrl("");
          setDescription("");
          toast("Webhook registered");
        },
      },
    );
  }

  const errors = formErrors(create.error, { url: "Receiver URL", description: "Description", events: "Events" }, "The webhook was not registered");

  return (
    <Card title={slug ? "Webhooks of this organization" : "Webhooks"} description={`${slug ? "This organization's events only. " : ""}Signet POSTs JSON with X-Signet-Event, X-Signet-Delivery and X-Signet-Signature: sha256=<HMAC-SHA256 of the raw body>. Failed deliveries are retried with backoff.`}>
      <div className="space-y-5">
        {secret ? <SecretOnce label="The webhook's signing secret." kept="Signet keeps it encrypted for signing" value={secret} testId="webhook-secret" onDone={() => setSecret(undefined)} /> : null}
        <form onSubmit={submit} aria-label="Register a webhook" className="space-y-4">
          <div className="grid gap-3 sm:grid-cols-2">
            <Field label="Receiver URL" htmlFor="webhook-url" error={errors.message("url")} hint={slug ? "https to a public host." : "https, or http to this machine only (127.0.0.1, localhost)."}>
              <TextInput id="webhook-url" {...errors.control("url", "webhook-url")} type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://hooks.example.com/signet" />
            </Field>
            <Field label="Description (optional)" htmlFor="webhook-description" error={errors.message("description")}>
              <TextInput id="webhook-description" {...errors.control("description", "webhook-description")} maxLength={200} value={description} onChange={(e) => setDescription(e.target.value)} placeholder="e.g. on-call channel" />
            </Field>
          </div>
          <fieldset>
            <legend className="text-sm font-medium">Events</legend>
            <div className="mt-2 grid gap-2 sm:grid-cols-2">
              {offered.map(([value, label]) => (
                <label key={value} className="flex items-start gap-2 text-sm">
                  <input type="checkbox" className="mt-0.5 h-4 w-4 accent-brand-600" checked={events.includes(value)} onChange={(e) => setEvents(e.target.checked ? [...events, value] : events.filter((x) => x !== value))} />
                  <span><code className="text-xs">{value}</code> <span className="block text-slate-500">{label}</span></span>
                </label>
              ))}
            </div>
          </fieldset>
          {errors.summary ? <Alert>{errors.summary}</Alert> : null}
          <Button type="submit" disabled={create.isPending || events.length === 0}>{create.isPending ? "Registering…" : "Register webhook"}</Button>
        </form>
        {hooks.isLoading ? <LoadingRows rows={2} label="Loading webhooks…" /> : null}
        {hooks.error ? <Alert>{hooks.error.message}</Alert> : null}
        {hooks.data && hooks.data.length === 0 ? <EmptyState title="No webhooks yet">Register a receiver to hear about expiring certificates and pending requests.</EmptyState> : null}
        {hooks.data?.length ? (
          <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Registered webhooks">
            {hooks.data.map((w) => (
              <li key={w.id} className="space-y-2 py-3 text-sm">
                <div className="flex flex-wrap items-start justify-between gap-3">
                  <span className="min-w-0">
                    <span className="font-medium break-all">{w.url}</span>
                    <span className="block text-xs text-slate-500">{w.description ? `${w.description} · ` : ""}secret {w.secretHint} · {w.events.join(", ")}</span>
                    <span className="mt-1 flex flex-wrap gap-1.5">
                      <Badge tone="green">{w.deliveries.delivered} delivered</Badge>
                      {w.deliveries.pending ? <Badge tone="amber">{w.deliveries.pending} pending</Badge> : null}
                      {w.deliveries.failed ? <Badge tone="red">{w.deliveries.failed} failed</Badge> : null}
                      {w.deliveries.lastStatus ? <Badge>last: {w.deliveries.lastStatus}</Badge> : null}
                    </span>
                  </span>
                  <span className="flex gap-2">
                    <Button variant="secondary" aria-expanded={open === w.id} onClick={() => setOpen(open === w.id ? undefined : w.id)}>Deliveries</Button>
                    <Button
                      variant="danger"
                      aria-label={`Remove webhook ${w.url}`}
                      onClick={() => remove.mutate(w.id, { onSuccess: () => toast("Webhook removed"), onError: (err) => toast(`Not removed: ${err.message}`, "error") })}
                    >
                      Remove
                    </Button>
                  </span>
                </div>
                {open === w.id ? <WebhookDeliveries webhookId={w.id} slug={slug} /> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </Card>
  );
}
