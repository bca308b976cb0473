"use client";

import { useState } from "react";
import { useRequests } from "@/lib/client/hooks";
import { Badge, statusTone } from "../ui/badge";
import { Card } from "../ui/card";
import { RequestReview } from "./request-review";

const TABS = ["pending", "approved", "rejected", "withdrawn"] as const;

export function RequestQueue({ org }: { org?: string }) {
  const [status, setStatus] = useState<(typeof TABS)[number]>("pending");
  const [selected, setSelected] = useState<string>();
  const { data, isLoading, error } = useRequests({ status, ...(org ? { org } : {}) });

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
      <Card
        title="Queue"
        description="Newest first"
        actions={
          <div role="tablist" aria-label="Request status" className="flex gap-1">
            {TABS.map((t) => (
              <button
                key={t}
                role="tab"
                aria-selected={status === t}
                onClick={() => {
                  setStatus(t);
                  setSelected(undefined);
                }}
                className={`rounded-md px-2.5 py-1 text-xs font-medium capitalize ${status === t ? "bg-brand-600 text-white" : "text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"}`}
              >
                {t}
              </button>
            ))}
          </div>
        }
      >
        {isLoading ? <p className="text-sm text-slate-500">Loading…</p> : null}
        {error ? <p className="text-sm text-red-600">{error.message}</p> : null}
        {data && data.length === 0 ? <p className="py-6 text-center text-sm text-slate-500">No {status} requests.</p> : null}
        <ul className="divide-y divide-slate-100 dark:divide-slate-800">
          {data?.map((r) => (
            <li key={r.id}>
              <button
                onClick={() => setSelected(r.id)}
                aria-pressed={selected === r.id}
                className={`w-full rounded-md px-2 py-3 text-left hover:bg-slate-50 dark:hover:bg-slate-800 ${selected === r.id ? "bg-brand-50 dark:bg-brand-900" : ""}`}
              >
                <div className="flex items-center justify-between gap-2">
                  <span className="text-sm font-medium">{r.kind === "org-ca" ? `Organization CA · ${r.orgSlug}` : r.pluginId}</span>
                  <span className="flex gap-1">
                    {r.contactVerified === false ? <Badge tone="amber">contact address not verified</Badge> : null}
                    {r.approvals && r.status === "pending" ? <Badge tone="amber">{`${r.approvals.have} of ${r.approvals.need} approvals`}</Badge> : null}
                    <Badge tone={statusTone(r.status)}>{r.status}</Badge>
                  </span>
                </div>
                <p className="mt-0.5 text-xs text-slate-600 dark:text-slate-400">
                  {r.subject} · {r.keyMode === "hosted" ? "hosted key" : "CSR"} · {r.keyAlgorithm} · {new Date(r.createdAt).toLocaleString()}
                </p>
              </button>
            </li>
          ))}
        </ul>
      </Card>
      {/* keyed by request: a decision shown for one request must not carry over to the next */}
      {selected ? <RequestReview key={selected} id={selected} onDecided={() => setSelected(undefined)} /> : <Card><p className="py-10 text-center text-sm text-slate-500">Select a request to review it.</p></Card>}
    </div>
  );
}
