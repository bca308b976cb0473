"use client";

// The audit log for operators: filter, page (newest first, by sequence number), and verify the
// hash chain — which reports the first event whose hash, predecessor or sequence does not hold.
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { useAuditEvents, useVerifyAuditChain, type AuditEventItem } from "@/lib/client/audit-hooks";
import { isoMinute } from "@/lib/client/format";
import { useOrgs } from "@/lib/client/hooks";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { LoadingRows } from "../ui/skeleton";
import { AuditCheckpointPanel } from "./audit-checkpoint-panel";
import { AUDIT_FILTER_KEYS, AuditFilters, NO_FILTER, type AuditFilter } from "./audit-filters";
import { useListState } from "@/lib/client/url-filters";

const PAGE_SIZE = 25;
const OUTCOME_TONE = { success: "green", failure: "red", denied: "amber" } as const;

function Details({ event }: { event: AuditEventItem }) {
  const entries = Object.entries(event.details ?? {});
  if (!entries.length) return null;
  return (
    <details className="mt-1">
      <summary className="cursor-pointer text-xs text-slate-600 dark:text-slate-400">Details</summary>
      <pre className="mt-1 max-w-xl overflow-x-auto rounded bg-slate-100 p-2 text-xs whitespace-pre-wrap break-all dark:bg-slate-800">{JSON.stringify(event.details, null, 2)}</pre>
      <p className="mt-1 font-mono text-[11px] break-all text-slate-500">hash {event.hash}</p>
    </details>
  );
}

function VerifyChain() {
  const verify = useVerifyAuditChain();
  const report = verify.data;
  return (
    <div className="space-y-3">
      <Button variant="secondary" onClick={() => verify.mutate()} disabled={verify.isPending}>{verify.isPending ? "Verifying…" : "Verify chain"}</Button>
      {verify.error ? <Alert>{verify.error.message}</Alert> : null}
      {report?.valid ? <Alert tone="success">Chain intact: all {report.events} events link up and hash correctly.</Alert> : null}
      {report && !report.valid ? (
        <Alert>
          Chain broken at event #{report.brokenAt}: {report.problem}. {report.events} event{report.events === 1 ? "" : "s"} before it verified.
        </Alert>
      ) : null}
    </div>
  );
}

const LINK = "font-medium text-brand-700 hover:underline dark:text-brand-300";

/** What the event is about, as a link to its page when there is one. */
function Subject({ event }: { event: AuditEventItem }) {
  if (event.subject) return event.subject.href ? <Link className={`${LINK} wrap-anywhere`} href={event.subject.href}>{event.subject.label}</Link> : <span className="wrap-anywhere">{event.subject.label}</span>;
  return <span className="wrap-anywhere">{event.subjectType}{event.subjectId ? ` ${event.subjectId.slice(0, 40)}` : ""}</span>;
}

export function AuditBrowser() {
  const [state, update] = useListState(AUDIT_FILTER_KEYS, { syncUrl: true });
  const filter = useMemo<AuditFilter>(() => ({ ...NO_FILTER, ...state }), [state]);
  const exportQuery = new URLSearchParams(Object.entries(filter).filter(([, v]) => v)).toString();
  // Cursors of the pages already seen, so "Newer" goes back exactly one page.
  const [cursors, setCursors] = useState<string[]>([]);
  const before = cursors.at(-1) ?? "";
  // Other filters (Back/Forward included) start again at the newest page.
  useEffect(() => setCursors([]), [filter]);
  const { data, isLoading, isFetching, error } = useAuditEvents({ ...filter, before, limit: String(PAGE_SIZE) });
  const orgs = useOrgs();

  const apply = (next: AuditFilter) => {
    update({ ...next });
    setCursors([]);
  };

  const events = data?.events ?? [];
  return (
    <div className="space-y-6">
      <Card title="Integrity" description="Every event carries the SHA-256 of its predecessor; an edit or deletion anywhere breaks the chain from there on.">
        <VerifyChain />
      </Card>
      <AuditCheckpointPanel />
      <Card>
        <AuditFilters orgs={orgs.data ?? []} value={filter} onApply={apply} />
        <div className="mt-3 flex flex-wrap gap-x-3 gap-y-1 text-sm whitespace-nowrap">
          <a className={LINK} href={`/api/v1/audit/export?format=csv${exportQuery ? `&${exportQuery}` : ""}`} download data-testid="audit-export-csv">Export CSV</a>
          <a className={LINK} href={`/api/v1/audit/export?format=json${exportQuery ? `&${exportQuery}` : ""}`} download data-testid="audit-export-json">Export JSON</a>
          <span className="text-slate-500">the events the filters select, newest first</span>
        </div>
        <div className="mt-5" aria-busy={isFetching}>
          {isLoading ? <LoadingRows rows={8} label="Loading events…" /> : null}
          {error ? <Alert>{error.message}</Alert> : null}
          {data && events.length === 0 ? <EmptyState title="No events match">Widen the time range or clear a filter.</EmptyState> : null}
          {events.length ? (
            <>
              <table className="hidden w-full text-left text-sm md:table" data-testid="audit-table">
                <caption className="sr-only">Audit events, newest first</caption>
                <thead className="text-xs text-slate-500 uppercase">
                  <tr>
                    <th scope="col" className="py-2 pr-3 font-medium">#</th>
                    <th scope="col" className="py-2 pr-3 font-medium">Time</th>
                    <th scope="col" className="py-2 pr-3 font-medium">Actor</th>
                    <th scope="col" className="py-2 pr-3 font-medium">Action</th>
                    <th scope="col" className="py-2 pr-3 font-medium">Organization</th>
                    <th scope="col" className="py-2 font-medium">Outcome</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100 align-top dark:divide-slate-800">
                  {events.map((e) => (
                    <tr key={e.seq}>
                      <td className="py-2 pr-3 font-mono text-xs text-slate-500">{e.seq}</td>
                      <td className="py-2 pr-3 whitespace-nowrap">{isoMinute(e.at)}</td>
                      <td className="py-2 pr-3 break-all">{e.actor}</td>
                      <td className="py-2 pr-3">
                        <span className="font-mono text-xs">{e.action}</span>
                        <span className="block text-xs text-slate-600 dark:text-slate-400"><Subject event={e} /></span>
                        <Details event={e} />
                      </td>
                      <td className="py-2 pr-3">{e.org ? <Link className={LINK} href={`/orgs/${e.org.slug}`}>{e.org.name}</Link> : e.orgId ? e.orgId.slice(0, 8) : "—"}</td>
                      <td className="py-2"><Badge tone={OUTCOME_TONE[e.outcome as keyof typeof OUTCOME_TONE] ?? "slate"}>{e.outcome}</Badge></td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <ul className="divide-y divide-slate-100 md:hidden dark:divide-slate-800" aria-label="Audit events, newest first">
                {events.map((e) => (
                  <li key={e.seq} className="py-3 text-sm">
                    <span className="flex items-center justify-between gap-2">
                      <span className="font-mono text-xs">{e.action}</span>
                      <Badge tone={OUTCOME_TONE[e.outcome as keyof typeof OUTCOME_TONE] ?? "slate"}>{e.outcome}</Badge>
                    </span>
                    <span className="mt-0.5 block text-xs text-slate-500">#{e.seq} · {isoMinute(e.at)} · {e.actor}{e.org ? ` · ${e.org.name}` : ""}</span>
                    <span className="mt-0.5 block text-xs"><Subject event={e} /></span>
                    <Details event={e} />
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
        <nav aria-label="Audit log pages" className="mt-4 flex items-center justify-between gap-2">
          <Button variant="secondary" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>← Newer</Button>
          <span className="text-sm text-slate-500">Page {cursors.length + 1}</span>
          <Button variant="secondary" disabled={!data?.nextBefore} onClick={() => data?.nextBefore && setCursors([...cursors, data.nextBefore])}>Older →</Button>
        </nav>
      </Card>
    </div>
  );
}
