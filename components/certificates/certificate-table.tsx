"use client";

// The certificate inventory: filters and sorting run on the server (the same query the CSV/JSON
// export sends, so a download holds exactly what the table shows), paging in the browser.
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { useCertificates, useOrgs } from "@/lib/client/hooks";
import { isoDay } from "@/lib/client/format";
import type { CertificateItem } from "@/lib/client/types";
import { Alert } from "../ui/alert";
import { Badge, statusTone } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { Select, TextInput } from "../ui/field";
import { LoadingRows } from "../ui/skeleton";

export type InventoryFilter = { q?: string; kind?: string; status?: string; org?: string; expiresWithinDays?: string; sort?: string; order?: string };
type SortKey = "subject" | "kind" | "status" | "org" | "notAfter";

const PAGE = 25;
const KIND_LABEL: Record<string, string> = { "root-ca": "Root CA", "org-ca": "Org CA", plugin: "Plugin", "ocsp-responder": "OCSP responder" };
const LINK = "font-medium text-brand-700 hover:underline dark:text-brand-300";
const LABEL = "block text-xs font-medium text-slate-600 dark:text-slate-300";

function daysLeft(c: CertificateItem): number {
  return Math.max(0, Math.ceil((Date.parse(c.notAfter) - Date.now()) / 86_400_000));
}

/** `filter` pins filters the user cannot change (e.g. the org on its own page). */
export function CertificateTable({ filter: fixed = {}, initial = {}, syncUrl = false, showOrgFilter = false }: { filter?: Record<string, string>; initial?: InventoryFilter; syncUrl?: boolean; showOrgFilter?: boolean }) {
  const [text, setText] = useState(initial.q ?? "");
  const [q, setQ] = useState(initial.q ?? "");
  const [kind, setKind] = useState(initial.kind ?? "");
  const [status, setStatus] = useState(initial.status ?? "");
  const [org, setOrg] = useState(initial.org ?? "");
  const [within, setWithin] = useState(initial.expiresWithinDays ?? "");
  const [sort, setSort] = useState<{ key: SortKey; order: "asc" | "desc" }>({ key: (initial.sort as SortKey) ?? "notAfter", order: initial.order === "desc" ? "desc" : "asc" });
  const [page, setPage] = useState(0);
  const orgs = useOrgs();

  // Typing waits for a pause before asking the server.
  useEffect(() => {
    const t = setTimeout(() => setQ(text.trim()), 300);
    return () => clearTimeout(t);
  }, [text]);

  const filter = useMemo(() => {
    const f: Record<string, string> = { ...fixed, q, kind, status, org, expiresWithinDays: within, sort: sort.key, order: sort.order };
    return Object.fromEntries(Object.entries(f).filter(([, v]) => v));
  }, [fixed, q, kind, status, org, within, sort]);
  const query = new URLSearchParams(filter).toString();

  useEffect(() => {
    setPage(0);
    if (syncUrl) window.history.replaceState(null, "", `${window.location.pathname}?${query}`);
  }, [query, syncUrl]);

  const { data, isLoading, isFetching, error } = useCertificates(filter);
  const rows = data ?? [];
  const shown = rows.slice(page * PAGE, (page + 1) * PAGE);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));

  const header = (key: SortKey, label: string) => (
    <th scope="col" className="py-2 pr-4 font-medium" aria-sort={sort.key === key ? (sort.order === "asc" ? "ascending" : "descending") : "none"}>
      <button type="button" className="inline-flex items-center gap-1 uppercase hover:text-slate-800 dark:hover:text-slate-200" onClick={() => setSort((s) => ({ key, order: s.key === key && s.order === "asc" ? "desc" : "asc" }))}>
        {label}
        <span aria-hidden>{sort.key === key ? (sort.order === "asc" ? "↑" : "↓") : "↕"}</span>
      </button>
    </th>
  );

  return (
    <Card>
      <form role="search" aria-label="Filter certificates" onSubmit={(e) => e.preventDefault()} className="mb-4 grid grid-cols-2 gap-3 lg:flex lg:flex-wrap lg:items-end">
        <div className="col-span-2 lg:w-64">
          <label htmlFor="cert-search" className={LABEL}>Search</label>
          <TextInput id="cert-search" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Subject, serial, plugin id" className="mt-1" />
        </div>
        <div>
          <label htmlFor="cert-kind" className={LABEL}>Kind</label>
          <Select id="cert-kind" value={kind} onChange={(e) => setKind(e.target.value)} className="mt-1">
            <option value="">All kinds</option>
            <option value="plugin">Plugin</option>
            <option value="org-ca">Organization CA</option>
            <option value="root-ca">Root CA</option>
          </Select>
        </div>
        <div>
          <label htmlFor="cert-status" className={LABEL}>Status</label>
          <Select id="cert-status" value={status} onChange={(e) => setStatus(e.target.value)} className="mt-1">
            <option value="">Any status</option>
            <option value="issued">Valid</option>
            <option value="revoked">Revoked</option>
            <option value="expired">Expired</option>
          </Select>
        </div>
        <div>
          <label htmlFor="cert-expiry" className={LABEL}>Expires</label>
          <Select id="cert-expiry" value={within} onChange={(e) => setWithin(e.target.value)} className="mt-1">
            <option value="">Any time</option>
            <option value="30">Within 30 days</option>
            <option value="90">Within 90 days</option>
          </Select>
        </div>
        {showOrgFilter && !fixed.org ? (
          <div>
            <label htmlFor="cert-org" className={LABEL}>Organization</label>
            <Select id="cert-org" value={org} onChange={(e) => setOrg(e.target.value)} className="mt-1">
              <option value="">All organizations</option>
              {orgs.data?.map((o) => <option key={o.slug} value={o.slug}>{o.name}</option>)}
            </Select>
          </div>
        ) : null}
        <div className="col-span-2 flex gap-3 text-sm lg:ml-auto lg:self-center">
          <a className={LINK} href={`/api/v1/certificates/export?format=csv&${query}`} download data-testid="export-csv">Export CSV</a>
          <a className={LINK} href={`/api/v1/certificates/export?format=json&${query}`} download data-testid="export-json">Export JSON</a>
        </div>
      </form>
      <p className="mb-2 text-xs text-slate-500" aria-live="polite">
        {isLoading ? "" : `${rows.length} certificate${rows.length === 1 ? "" : "s"}${rows.length > PAGE ? ` · showing ${page * PAGE + 1}–${page * PAGE + shown.length}` : ""}${isFetching ? " · updating…" : ""}`}
      </p>
      {isLoading ? <LoadingRows rows={5} label="Loading certificates…" /> : null}
      {error ? <Alert>{error.message}</Alert> : null}
      {data && rows.length === 0 ? <EmptyState title="No certificates match">Change the filters, or request a certificate from your organization&apos;s page.</EmptyState> : null}
      {shown.length ? (
        <>
          <table className="hidden w-full text-left text-sm md:table">
            <caption className="sr-only">Certificates, sorted by {sort.key} {sort.order === "asc" ? "ascending" : "descending"}</caption>
            <thead className="text-xs text-slate-500">
              <tr>{header("subject", "Subject")}{header("kind", "Kind")}{header("org", "Org")}{header("status", "Status")}{header("notAfter", "Expires")}<th scope="col" className="py-2 font-medium uppercase">Serial</th></tr>
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
      {pages > 1 ? (
        <nav aria-label="Pages" className="mt-4 flex items-center justify-between gap-2">
          <Button variant="secondary" disabled={page === 0} onClick={() => setPage(page - 1)}>Previous</Button>
          <span className="text-sm text-slate-500">Page {page + 1} of {pages}</span>
          <Button variant="secondary" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>Next</Button>
        </nav>
      ) : null}
    </Card>
  );
}
