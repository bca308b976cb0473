"use client";

// The request queue: status tab, search, kind and organization filters and the page cursor in the
// URL (on /requests), filtered and paged on the server; pending requests can be decided in bulk.
import { useEffect, useMemo, useRef, useState } from "react";
import { useOrgs, useRequests } from "@/lib/client/hooks";
import { useListState } from "@/lib/client/url-filters";
import { Badge, statusTone } from "../ui/badge";
import { Card } from "../ui/card";
import { Select, TextInput } from "../ui/field";
import { Pager } from "../ui/pager";
import { BulkDecision } from "./bulk-decision";
import { RequestReview } from "./request-review";

const TABS = ["pending", "approved", "rejected", "withdrawn"] as const;
const KEYS = ["status", "q", "kind", "org", "cursor"] as const;
const DEFAULTS = { status: "pending" };
const PAGE = 25;
const LABEL = "block text-xs font-medium text-slate-600 dark:text-slate-300";

export function RequestQueue({ org, syncUrl = false, showOrgFilter = false }: { org?: string; syncUrl?: boolean; showOrgFilter?: boolean }) {
  const [state, update] = useListState(KEYS, { syncUrl, defaults: DEFAULTS });
  const [selected, setSelected] = useState<string>();
  const [checked, setChecked] = useState<string[]>([]);
  const [text, setText] = useState(state.q ?? "");
  const orgs = useOrgs();
  const filter = useMemo(() => Object.fromEntries(Object.entries({ ...state, ...(org ? { org } : {}), limit: String(PAGE) }).filter(([, v]) => v)), [state, org]);
  const { data, isLoading, error } = useRequests(filter);
  const rows = data?.items ?? [];
  const status = state.status;
  const pending = status === "pending";
  // Names of every request shown so far: a result still reads by name after its row left the page.
  const names = useRef(new Map<string, string>());
  for (const r of rows) names.current.set(r.id, r.kind === "org-ca" ? `Organization CA · ${r.orgSlug}` : (r.pluginId ?? r.id));

  useEffect(() => setText(state.q ?? ""), [state.q]);
  // A new filter or page shows other rows: nothing stays selected that is not on screen.
  useEffect(() => setChecked([]), [filter]);

  const toggle = (id: string) => setChecked((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
  const allChecked = rows.length > 0 && rows.every((r) => checked.includes(r.id));

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
                  update({ status: t });
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
        <form role="search" aria-label="Filter requests" className="mb-3 grid grid-cols-2 gap-2" onSubmit={(e) => { e.preventDefault(); update({ q: text.trim() }); }}>
          <div className="col-span-2">
            <label htmlFor="request-search" className={LABEL}>Search requests</label>
            <TextInput id="request-search" type="search" value={text} onChange={(e) => setText(e.target.value)} onBlur={() => text.trim() !== (state.q ?? "") && update({ q: text.trim() })} placeholder="Plugin id, organization, subject, fingerprint" className="mt-1" />
          </div>
          <div>
            <label htmlFor="request-kind" className={LABEL}>Kind</label>
            <Select id="request-kind" value={state.kind ?? ""} onChange={(e) => update({ kind: e.target.value })} className="mt-1">
              <option value="">All kinds</option>
              <option value="plugin-cert">Plugin certificate</option>
              <option value="org-ca">Organization CA</option>
            </Select>
          </div>
          {showOrgFilter && !org ? (
            <div>
              <label htmlFor="request-org" className={LABEL}>Organization</label>
              <Select id="request-org" value={state.org ?? ""} onChange={(e) => update({ org: e.target.value })} className="mt-1">
                <option value="">All organizations</option>
                {orgs.data?.map((o) => <option key={o.slug} value={o.slug}>{o.name}</option>)}
              </Select>
            </div>
          ) : null}
        </form>
        {pending ? <BulkDecision selected={checked} names={names.current} onDone={() => setChecked([])} /> : null}
        {isLoading ? <p className="text-sm text-slate-500">Loading…</p> : null}
        {error ? <p className="text-sm text-red-700 dark:text-red-300">{error.message}</p> : null}
        {data && rows.length === 0 ? <p className="py-6 text-center text-sm text-slate-500">No {status} requests{state.q || state.kind || state.org ? " match" : ""}.</p> : null}
        {pending && rows.length > 1 ? (
          <label className="flex items-center gap-2 px-2 py-1 text-xs text-slate-600 dark:text-slate-400">
            <input type="checkbox" checked={allChecked} onChange={() => setChecked(allChecked ? [] : rows.map((r) => r.id))} />
            Select all on this page
          </label>
        ) : null}
        <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Requests">
          {rows.map((r) => {
            const name = r.kind === "org-ca" ? `Organization CA · ${r.orgSlug}` : (r.pluginId ?? "");
            return (
              <li key={r.id} className="flex items-start gap-2">
                {pending ? <input type="checkbox" className="mt-4 ml-2" aria-label={`Select ${name}`} checked={checked.includes(r.id)} onChange={() => toggle(r.id)} /> : null}
                <button
                  onClick={() => setSelected(r.id)}
                  aria-pressed={selected === r.id}
                  className={`min-w-0 grow rounded-md px-2 py-3 text-left hover:bg-slate-50 dark:hover:bg-slate-800 ${selected === r.id ? "bg-brand-50 dark:bg-brand-900" : ""}`}
                >
                  <div className="flex flex-wrap items-center justify-between gap-2">
                    <span className="text-sm font-medium wrap-anywhere">{name}</span>
                    <span className="flex flex-wrap gap-1">
                      {r.contactVerified === false ? <Badge tone="amber">contact address not verified</Badge> : null}
                      {r.approvals && r.status === "pending" ? <Badge tone="amber">{`${r.approvals.have} of ${r.approvals.need} approvals`}</Badge> : null}
                      <Badge tone={statusTone(r.status)}>{r.status}</Badge>
                    </span>
                  </div>
                  <p className="mt-0.5 text-xs wrap-anywhere text-slate-600 dark:text-slate-400">
                    {r.subject} · {r.keyMode === "hosted" ? "hosted key" : "CSR"} · {r.keyAlgorithm} · {new Date(r.createdAt).toLocaleString()}
                  </p>
                </button>
              </li>
            );
          })}
        </ul>
        <Pager label="Request pages" atStart={!state.cursor} next={data?.next} onFirst={() => update({ cursor: "" })} onNext={(cursor) => update({ cursor })} />
      </Card>
      {/* keyed by request: a decision shown for one request must not carry over to the next */}
      {selected ? <RequestReview key={selected} id={selected} onDecided={() => setSelected(undefined)} /> : <Card><p className="py-10 text-center text-sm text-slate-500">Select a request to review it.</p></Card>}
    </div>
  );
}
