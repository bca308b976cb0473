"use client";

import { isoMinute } from "@/lib/client/format";
import { useWebhookDeliveries } from "@/lib/client/settings-hooks";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { LoadingRows } from "../ui/skeleton";

const TONE = { delivered: "green", pending: "amber", failed: "red" } as const;

/** The last 50 deliveries of one webhook, with each one's attempts and the next retry. */
export function WebhookDeliveries({ webhookId, slug }: { webhookId: string; slug?: string }) {
  const { data, isLoading, error } = useWebhookDeliveries(webhookId, slug);
  if (isLoading) return <LoadingRows rows={2} label="Loading deliveries…" />;
  if (error) return <Alert>{error.message}</Alert>;
  if (!data?.length) return <p className="rounded-md bg-slate-50 px-3 py-2 text-slate-500 dark:bg-slate-800/60">Nothing sent yet.</p>;
  return (
    <ul className="space-y-1 rounded-md bg-slate-50 p-3 text-xs dark:bg-slate-800/60" aria-label="Recent deliveries">
      {data.map((d) => (
        <li key={d.id} className="flex flex-wrap items-center gap-2">
          <Badge tone={TONE[d.status as keyof typeof TONE] ?? "slate"}>{d.status}</Badge>
          <code>{d.event}</code>
          <span className="text-slate-500">
            {isoMinute(d.createdAt)} · {d.attempts} attempt{d.attempts === 1 ? "" : "s"}
            {d.responseStatus ? ` · HTTP ${d.responseStatus}` : d.lastError ? ` · ${d.lastError}` : ""}
            {d.nextAttemptAt ? ` · next try ${isoMinute(d.nextAttemptAt)}` : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}
