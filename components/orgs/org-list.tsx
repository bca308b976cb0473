"use client";

import Link from "next/link";
import { useOrgs } from "@/lib/client/hooks";
import { Badge, statusTone } from "../ui/badge";
import { Card } from "../ui/card";

export function OrgList() {
  const { data, isLoading, error } = useOrgs();
  return (
    <Card>
      {isLoading ? <p className="text-sm text-slate-500">Loading…</p> : null}
      {error ? <p className="text-sm text-red-600">{error.message}</p> : null}
      {data?.length === 0 ? <p className="py-6 text-center text-sm text-slate-500">No organization has registered yet. Share <code>/register</code> with publishers.</p> : null}
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
    </Card>
  );
}
