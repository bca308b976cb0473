"use client";

// The certificate inventory: filters and sorting run on the server (the same query the CSV/JSON
// export sends, so a download holds exactly what the table shows), paged by cursor on the server too.
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { useCertificates, useOrgs } from "@/lib/client/hooks";
import { useListState } from "@/lib/client/url-filters";
import { isoDay } from "@/lib/client/format";
import type { CertificateItem } from "@/lib/client/types";
import { Alert } from "../ui/alert";
import { Badge, statusTone } from "../ui/badge";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { Select, TextInput } from "../ui/field";
import { LoadingRows } from "../ui/skeleton";
import { Pager } from "../ui/pager";

export type InventoryFilter = { q?: string; kind?: string; status?: string; org?: string; expiresWithinDays?: string; sort?: string; order?: string };
type SortKey = "subject" | "notAfter";

const PAGE = 25;
const KIND_LABEL: Record<string, string> = { "root-ca": "Root CA", "org-ca": "Org CA", plugin: "Plugin", "ocsp-responder": "OCSP responder" };
const LINK = "font-medium text-brand-700 hover:underline dark:text-brand-300";
const LABEL = "block text-xs font-medium text-slate-600 dark:text-slate-300";
const KEYS = ["q", "kind", "status", "org", "expiresWithinDays", "sort", "order", "cursor"] as const;
const DEFAULTS = { sort: "notAfter", order: "asc" };

function daysLeft(c: CertificateItem): number {
  return Math.max(0, Math.ceil((Date.parse(c.notAfter) - Date.now()) / 86_400_000));
}

/**
 * `filter` pins filters the user cannot change (e.g. the org on its own page). With `syncUrl` the
 * filters, the sort and the page cursor live in the URL (shareable; Back returns to the previous view).
 */
export function CertificateTable({ filter: fixed = {}, syncUrl = false, showOrgFilter = false }: { filter?: Record<string, string>; syncUrl?: boolean; showOrgFilter?: boolean }) {
  const [state, update] = useListState(KEYS, { syncUrl, defaults: DEFAULTS });
  const [text, setText] = useState(state.q ?? "");
  const orgs = useOrgs();
  const sort = { key: state.sort as SortKey, order: state.order === "desc" ? "desc" : "asc" } as const;

  // Back/Forward (or a shared link) changes the search in the URL: show it in the box.
  useEffect(() => setText(state.q ?? ""), [state.q]);
  // Typing waits for a pause before asking the server (and replaces the URL rather than adding to history).
  useEffect(() => {
    const t = setTimeout(() => {
      if (text.trim() !== (state.q ?? "")) update({ q: text.trim() }, { replace: true });
    }, 300);
    return () => clearTimeout(t);
  }, [text, state.q, update]);

  const filter = useMemo(() => {
    const f: Record<string, string> = { ...state, ...fixed };
    return Object.fromEntries(Object.entries(f).filter(([, v]) => v));
  }, [fixed, state]);
  const exportQuery = new URLSearchParams(Object.entries(filter).filter(([k]) => k !== "cursor")).toString();

  const { data, isLoading, isFetching, error } = useCertificates({ ...filter, limit: String(PAGE) });
  const shown = data?.items ?? [];

  const header = (key: SortKey, label: string) => (
    <th scope="col" className="py-2 pr-4 font-medium" aria-sort={sort.key === key ? (sort.order === "asc" ? "ascending" : "descending") : "none"}>
      <button type="button" className="inline-flex items-center gap-1 uppercase hover:text-slate-800 dark:hover:text-slate-200" onClick={() => update({ sort: key, order: sort.key === key && sort.order === "asc" ? "desc" : "asc" })}>
        {label}
        <span aria-hidden>{sort.key === key ? (sort.order === "asc" ? "↑" : "↓") : "↕"}</span>
      </button>
    </th>
  );

  const plain = (label: string) => <th scope="col" className="py-2 pr-4 font-medium uppercase">{label}</th>;

  return (
    <Card>
      <form role="search" aria-label="Filter certificates" onSubmit={(e) => e.preventDefault()} className="mb-4 grid grid-cols-2 gap-3 lg:flex lg:flex-wrap lg:items-end">
        <div className="col-span-2 lg:w-64">
          <label htmlFor="cert-search" className={LABEL}>Search</label>
          <TextInput id="cert-search" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Subject, serial, plugin id" className="mt-1" />
        </div>
        <div>
          <label htmlFor="cert-kind" className={LABEL}>Kind</label>
          <Select id="cert-kind" value={state.kind ?? ""} onChange={(e) => update({ kind: e.target.value })} className="mt-1">
            <option value="">All kinds</option>
            <option value="plugin">Plugin</option>
            <option value="org-ca">Organization CA</option>
            <option value="root-ca">Root CA</option>
          </Select>
        </div>
        <div>
          <label htmlFor="cert-status" className={LABEL}>Status</label>
          <Select id="cert-status" value={state.status ?? ""} onChange={(e) => update({ status: e.target.value })} className="mt-1">
            <option value="">Any status</option>
            <option value="issued">Valid</option>
            <option value="revoked">Revoked</option>
            <option value="expired">Expired</option>
          </Select>
        </div>
        <div>
          <label htmlFor="cert-expiry" className={LABEL}>Expires</label>
          <Select id="cert-expiry" value={state.expiresWithinDays ?? ""} onChange={(e) => update({ expiresWithinDays: e.target.value })} className="mt-1">
            <option value="">Any time</option>
            <option value="30">Within 30 days</option>
            <option value="90">Within 90 days</option>
          </Select>
        </div>
        {showOrgFilter && !fixed.org ? (
          <div>
            <label htmlFor="cert-org" className={LABEL}>Organization</label>
            <Select id="cert-org" value={state.org ?? ""} onChange={(e) => update({ org: e.target.value })} className="mt-1">
              <option value="">All organizations</option>
              {orgs.data?.map((o) => <option key={o.slug} value={o.slug}>{o.name}</option>)}
            </Select>
          </div>
        ) : null}
        <div className="col-span-2 flex gap-3 text-sm lg:ml-auto lg:self-center">
          <a className={LINK} href={`/api/v1/certificates/export?format=csv&${exportQuery}`} download data-testid="export-csv">Export CSV</a>
          <a className={LINK} href={`/api/v1/certificates/export?format=json&${exportQuery}`} download data-testid="export-json">Export JSON</a>
        </div>
      </form>
      <p className="mb-2 text-xs text-slate-500" aria-live="polite">
        {isLoading ? "" : `${shown.length} certificate${shown.length === 1 ? "" : "s"} on this page${data?.next ? " · more on the next" : ""}${isFetching ? " · updating…" : ""}`}
      </p>
      {isLoading ? <LoadingRows rows={5} label="Loading certificates…" /> : null}
      {error ? <Alert>{error.message}</Alert> : null}
      {data && shown.length === 0 ? <EmptyState title="No certificates match">Change the filters, or request a certificate from your organization&apos;s page.</EmptyState> : null}
      {shown.length ? (
        <>
          <table className="hidden w-full text-left text-sm md:table">
            <caption className="sr-only">Certificates, sorted by {sort.key} {sort.order === "asc" ? "ascending" : "descending"}</caption>
            <thead className="text-xs text-slate-500">
              <tr>{header("subject", "Subject")}{plain("Kind")}{plain("Org")}{plain("Status")}{header("notAfter", "Expires")}<th scope="col" className="py-2 font-medium uppercase">Serial</th></tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {shown.map((c) => (
                <tr key={c.id}>
                  <td className="py-2 pr-4"><Link className={`${LINK} wrap-anywhere`} href={`/certificates/${c.serial}`}>{c.subject}</Link></td>
                  <td className="py-2 pr-4 whitespace-nowrap">{KIND_LABEL[c.kind]}</td>
                  <td className="py-2 pr-4">{c.orgSlug ?? "—"}</td>
                  <td className="py-2 pr-4"><Badge tone={statusTone(c.status)}>{c.status}</Badge></td>
                  <td className="py-2 pr-4 whitespace-nowrap">
                    {isoDay(c.notAfter)}
                    {c.status === "issued" ? <span className={`block text-xs ${daysLeft(c) <= 30 ? "font-semibold text-red-700 dark:text-red-300" : "text-slate-500"}`}>in {daysLeft(c)} days</span> : null}
                  </td>
                  <td className="py-2 font-mono text-xs" title={c.serial}>{c.serial.slice(0, 12)}…</td>
                </tr>
              ))}
            </tbody>
          </table>
          <ul className="divide-y divide-slate-100 md:hidden dark:divide-slate-800" aria-label="Certificates">
            {shown.map((c) => (
              <li key={c.id} className="py-3 text-sm">
                <Link className={`${LINK} wrap-anywhere`} href={`/certificates/${c.serial}`}>{c.pluginId ?? c.subject}</Link>
                <span className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-500">
                  <Badge tone={statusTone(c.status)}>{c.status}</Badge>
                  {KIND_LABEL[c.kind]}{c.orgSlug ? ` · ${c.orgSlug}` : ""} · until {isoDay(c.notAfter)}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <Pager label="Pages" atStart={!state.cursor} next={data?.next} onFirst={() => update({ cursor: "" })} onNext={(cursor) => update({ cursor })} />
    </Card>
  );
}
