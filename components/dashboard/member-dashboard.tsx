// An organization member's dashboard: their plugins (the current certificate of each), expiry,
// recent signed artifacts and requests — only their organizations' rows (lib/server/dashboard).
import Link from "next/link";
import type { Dashboard } from "@/lib/server/dashboard/get-dashboard";
import { ageOf, isoDay } from "@/lib/client/format";
import { Alert } from "../ui/alert";
import { Badge, statusTone } from "../ui/badge";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { ExpiryChart } from "./expiry-chart";
import { Stat } from "./stat";

type Overview = NonNullable<Dashboard["member"]>;

export function MemberDashboard({ data, now }: { data: Overview; now: number }) {
  const { orgs, plugins, certificates, artifacts, requests, expiry } = data;
  const home = orgs[0] ? `/orgs/${orgs[0].slug}` : "/certificates";
  return (
    <div className="space-y-6" data-testid="member-dashboard">
      {orgs.filter((o) => o.status !== "approved").map((o) => (
        <Alert key={o.id} tone={o.status === "pending" ? "info" : "error"}>
          {o.status === "pending" ? `${o.name} is waiting for a store operator's approval.` : `${o.name} is ${o.status}.`}{" "}
          <Link href={`/orgs/${o.slug}`} className="font-semibold underline">Open</Link>
        </Alert>
      ))}
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Stat label="Plugins" value={plugins.length} href={home} hint={orgs.map((o) => o.slug).join(", ")} />
        <Stat label="Valid certificates" value={certificates.valid} href="/certificates?status=issued" hint={`${certificates.revoked} revoked · ${certificates.expired} expired`} />
        <Stat label="Signed artifacts" value={artifacts.total} href={home} hint="Archives signed by Signet" />
        <Stat label="Pending requests" value={requests.pending} href={home} tone={requests.pending ? "warn" : "plain"} hint="Waiting for approval" />
      </div>
      <div className="grid gap-6 lg:grid-cols-5">
        <Card title="Plugins" description="The newest certificate of each plugin" className="lg:col-span-3">
          {plugins.length === 0 ? (
            <EmptyState title="No plugin certificates yet">
              Request one on <Link href={home} className="underline">your organization&apos;s page</Link>.
            </EmptyState>
          ) : (
            <div className="-mx-5 overflow-x-auto px-5">
              <table className="w-full text-left text-sm">
                <caption className="sr-only">Plugins and their current certificate</caption>
                <thead className="text-xs text-slate-500 uppercase">
                  <tr><th scope="col" className="py-2 pr-4 font-medium">Plugin</th><th scope="col" className="py-2 pr-4 font-medium">Status</th><th scope="col" className="py-2 font-medium">Expires</th></tr>
                </thead>
                <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                  {plugins.map((p) => (
                    <tr key={p.pluginId}>
                      <td className="py-2 pr-4">
                        <Link href={`/certificates/${p.serial}`} className="font-medium wrap-anywhere text-brand-700 hover:underline dark:text-brand-300">{p.pluginId}</Link>
                        <span className="block text-xs text-slate-500">{p.orgSlug} · {p.certificates} certificate{p.certificates === 1 ? "" : "s"}</span>
                      </td>
                      <td className="py-2 pr-4"><Badge tone={statusTone(p.status)}>{p.status}</Badge></td>
                      <td className="py-2 whitespace-nowrap">
                        {isoDay(p.notAfter)}
                        {p.status === "issued" ? <span className={`block text-xs ${p.daysLeft <= 30 ? "font-semibold text-red-700 dark:text-red-300" : "text-slate-500"}`}>in {p.daysLeft} days</span> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <Card title="Expiring certificates" description="Next 90 days" className="lg:col-span-2">
          <ExpiryChart forecast={expiry} />
        </Card>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Recent signed artifacts">
          {artifacts.recent.length === 0 ? (
            <EmptyState title="No signed archives yet">Upload a plugin archive on your organization&apos;s page to have it signed.</EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
              {artifacts.recent.map((a) => (
                <li key={a.id} className="flex items-center justify-between gap-2 py-2.5">
                  <span className="min-w-0">
                    <span className="font-medium wrap-anywhere">{a.pluginId} {a.version}</span>
                    <span className="block truncate font-mono text-xs text-slate-500" title={a.sha256}>sha256 {a.sha256.slice(0, 16)}… · {ageOf(a.createdAt, now)}</span>
                  </span>
                  <Badge tone={a.revoked || a.certificateRevoked ? "red" : "green"}>{a.revoked ? "revoked" : a.certificateRevoked ? "certificate revoked" : "signed"}</Badge>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Recent requests">
          {requests.recent.length === 0 ? (
            <EmptyState title="No requests yet" />
          ) : (
            <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
              {requests.recent.map((r) => (
                <li key={r.id} className="flex items-center justify-between gap-2 py-2.5">
                  <span className="min-w-0">
                    <Link href={`/orgs/${r.orgSlug}`} className="font-medium wrap-anywhere text-brand-700 hover:underline dark:text-brand-300">{r.kind === "org-ca" ? `Organization CA · ${r.orgSlug}` : r.pluginId}</Link>
                    <span className="block text-xs text-slate-500">{r.keyMode === "hosted" ? "hosted key" : "CSR"} · {ageOf(r.createdAt, now)}</span>
                  </span>
                  <Badge tone={statusTone(r.status)}>{r.status}</Badge>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}
