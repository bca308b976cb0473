"use client";

// Organizations: search, status filter, sort and page cursor in the URL; filtered and paged on the server.
import Link from "next/link";
import { useEffect, useState } from "react";
import { useOrgPage } from "@/lib/client/hooks";
import { useListState } from "@/lib/client/url-filters";
import { Badge, statusTone } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Select, TextInput } from "../ui/field";
import { Pager } from "../ui/pager";

const KEYS = ["q", "status", "sort", "cursor"] as const;
const PAGE = 25;
const LABEL = "block text-xs font-medium text-slate-600 dark:text-slate-300";

export function OrgList() {
  const [state, update] = useListState(KEYS, { syncUrl: true });
  const [text, setText] = useState(state.q ?? "");
  useEffect(() => setText(state.q ?? ""), [state.q]);
  const { data: page, isLoading, error } = useOrgPage({ ...state, limit: String(PAGE) });
  const data = page?.items;
  const filtered = Boolean(state.q || state.status);
  return (
    <Card>
      <form role="search" aria-label="Filter organizations" className="mb-4 flex flex-wrap items-end gap-3" onSubmit={(e) => { e.preventDefault(); update({ q: text.trim() }); }}>
        <div className="w-full sm:w-72">
          <label htmlFor="org-search" className={LABEL}>Search</label>
          <TextInput id="org-search" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Name, slug, prefix, contact" className="mt-1" />
        </div>
        <div>
          <label htmlFor="org-status" className={LABEL}>Status</label>
          <Select id="org-status" value={state.status ?? ""} onChange={(e) => update({ status: e.target.value })} className="mt-1">
            <option value="">Any status</option>
            <option value="pending">Pending</option>
            <option value="approved">Approved</option>
            <option value="rejected">Rejected</option>
            <option value="suspended">Suspended</option>
          </Select>
        </div>
        <div>
          <label htmlFor="org-sort" className={LABEL}>Order</label>
          <Select id="org-sort" value={state.sort ?? ""} onChange={(e) => update({ sort: e.target.value })} className="mt-1">
            <option value="">Newest first</option>
            <option value="name">By name</option>
          </Select>
        </div>
        <Button type="submit" variant="secondary">Search</Button>
      </form>
      {isLoading ? <p className="text-sm text-slate-500">Loading…</p> : null}
      {error ? <p className="text-sm text-red-700 dark:text-red-300">{error.message}</p> : null}
      {data?.length === 0 ? (
        <p className="py-6 text-center text-sm text-slate-500">{filtered ? "No organization matches." : <>No organization has registered yet. Share <code>/register</code> with publishers.</>}</p>
      ) : null}
      {data?.length ? (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs text-slate-500 uppercase">
              <tr><th className="py-2 pr-4">Organization</th><th className="py-2 pr-4">Prefix</th><th className="py-2 pr-4">Status</th><th className="py-2 pr-4">CA</th><th className="py-2">Registered</th></tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {data.map((o) => (
                <tr key={o.id}>
                  <td className="py-2 pr-4"><Link className="font-medium text-brand-700 hover:underline dark:text-brand-300" href={`/orgs/${o.slug}`}>{o.name}</Link> <span className="text-slate-500">({o.slug})</span></td>
                  <td className="py-2 pr-4 font-mono text-xs">{o.pluginIdPrefix}</td>
                  <td className="py-2 pr-4"><Badge tone={statusTone(o.status)}>{o.status}</Badge></td>
                  <td className="py-2 pr-4">{o.ca ? <Badge tone={statusTone(o.ca.status)}>{o.ca.status} · {o.ca.keyMode}</Badge> : "—"}</td>
                  <td className="py-2">{new Date(o.createdAt).toLocaleDateString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager label="Organization pages" atStart={!state.cursor} next={page?.next} onFirst={() => update({ cursor: "" })} onNext={(cursor) => update({ cursor })} />
    </Card>
  );
}
