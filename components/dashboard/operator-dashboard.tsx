// The store operator's dashboard: queue, organizations, expiry forecast, recent revocations and
// revocation-data health, all read on the server (lib/server/dashboard).
import Link from "next/link";
import type { Dashboard } from "@/lib/server/dashboard/get-dashboard";
import { ageOf } from "@/lib/client/format";
import { Badge } from "../ui/badge";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { ExpiryChart } from "./expiry-chart";
import { RevocationHealthTable } from "./revocation-health-table";
import { Stat } from "./stat";

type Overview = NonNullable<Dashboard["operator"]>;

export function OperatorDashboard({ data, now }: { data: Overview; now: number }) {
  const { pending, organizations, expiry, recentRevocations, revocationHealth } = data;
  return (
    <div className="space-y-6" data-testid="operator-dashboard">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Stat label="Pending requests" value={pending.total} href="/requests" tone={pending.total ? "warn" : "plain"} hint="Review the queue" testId="stat-pending" />
        <Stat label="Organizations" value={organizations.total} href="/orgs" hint={`${organizations.approved} approved · ${organizations.pending} waiting`} testId="stat-orgs" />
        <Stat label="Expiring ≤ 30 days" value={expiry.within30} href="/certificates?expiresWithinDays=30" tone={expiry.within30 ? "alert" : "plain"} hint="Renew before they lapse" />
        <Stat label="Expiring ≤ 90 days" value={expiry.within90} href="/certificates?expiresWithinDays=90" hint="Plan renewals" />
      </div>
      <div className="grid gap-6 lg:grid-cols-5">
        <Card title="Expiring certificates" description="Next 90 days, in 10-day steps" className="lg:col-span-3">
          <ExpiryChart forecast={expiry} />
        </Card>
        <Card title="Pending requests" description={`${pending.total} waiting, newest first`} className="lg:col-span-2">
          {pending.items.length === 0 ? (
            <EmptyState title="The queue is empty">New organization and plugin requests appear here.</EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
              {pending.items.map((r) => (
                <li key={r.id} className="py-2.5">
                  <Link href="/requests" className="font-medium text-brand-700 hover:underline dark:text-brand-300">
                    {r.kind === "org-ca" ? `Organization CA · ${r.orgSlug}` : r.pluginId}
                  </Link>
                  <span className="block text-xs text-slate-500">{r.kind === "org-ca" ? "New organization: yours to decide" : `Plugin certificate · ${r.orgSlug}`} · {ageOf(r.createdAt, now)}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <Card title="Revocation data" description="What plugin hosts fetch to learn about revocations">
        <RevocationHealthTable rows={revocationHealth} now={now} />
      </Card>
      <Card title="Recent revocations">
        {recentRevocations.length === 0 ? (
          <EmptyState title="Nothing has been revoked" />
        ) : (
          <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
            {recentRevocations.map((r) => (
              <li key={r.serial} className="flex flex-wrap items-center justify-between gap-2 py-2.5">
                <span className="min-w-0">
                  <Link href={`/certificates/${r.serial}`} className="font-medium wrap-anywhere text-brand-700 hover:underline dark:text-brand-300">{r.pluginId ?? r.subject}</Link>
                  <span className="block text-xs text-slate-500">{r.kind}{r.orgSlug ? ` · ${r.orgSlug}` : ""} · {ageOf(r.revokedAt, now)}</span>
                </span>
                <Badge tone="red">{r.reason}</Badge>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
