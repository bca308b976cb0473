"use client";

// One plugin id: every certificate it had (renewals, re-keys, revocations), every version signed,
// every signed archive with its downloads, and its requests.
import Link from "next/link";
import { usePlugin } from "@/lib/client/lifecycle-hooks";
import { isoMinute } from "@/lib/client/format";
import { ArtifactList } from "../artifacts/artifact-list";
import { Alert } from "../ui/alert";
import { Badge, statusTone } from "../ui/badge";
import { Card } from "../ui/card";
import { LoadingRows } from "../ui/skeleton";

const LINK = "font-medium text-brand-700 hover:underline dark:text-brand-300";

export function PluginDetailView({ slug, pluginId, canRevoke }: { slug: string; pluginId: string; canRevoke: boolean }) {
  const { data: p, isLoading, error } = usePlugin(slug, pluginId);
  if (isLoading) return <Card><LoadingRows rows={5} label="Loading the plugin…" /></Card>;
  if (error || !p) return <Alert>{error?.message ?? "Plugin not found"}</Alert>;
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-500">
          <Link href={`/orgs/${slug}`} className="hover:underline">{p.orgName}</Link> / Plugins
        </p>
        <h1 className="mt-1 text-2xl font-bold wrap-anywhere">{p.pluginId}</h1>
      </div>
      <Card title="Certificates" description="Newest first. A renewal keeps the subject; a re-key changes the key.">
        {p.certificates.length === 0 ? <p className="text-sm text-slate-500">No certificate yet.</p> : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" aria-label="Certificates">
              <thead className="text-xs text-slate-500 uppercase">
                <tr>
                  <th className="py-2 pr-4">Serial</th>
                  <th className="py-2 pr-4">Status</th>
                  <th className="py-2 pr-4">Valid</th>
                  <th className="py-2 pr-4">Key</th>
                  <th className="py-2 pr-4">Renews</th>
                  <th className="py-2">Download</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                {p.certificates.map((c) => (
                  <tr key={c.serial} className="align-top">
                    <td className="py-2 pr-4 font-mono text-xs"><Link className={`${LINK} break-all`} href={`/certificates/${c.serial}`}>{c.serial}</Link></td>
                    <td className="py-2 pr-4"><Badge tone={statusTone(c.status)}>{c.status}</Badge></td>
                    <td className="py-2 pr-4 whitespace-nowrap">{isoMinute(c.notBefore)} → {isoMinute(c.notAfter)}</td>
                    <td className="py-2 pr-4">{c.keyMode === "hosted" ? "held by Signet" : "held by the organization"}</td>
                    <td className="py-2 pr-4 font-mono text-xs">{c.renews ? <Link className={`${LINK} break-all`} href={`/certificates/${c.renews}`}>{c.renews}</Link> : "—"}</td>
                    <td className="py-2">
                      <span className="flex flex-wrap gap-3">
                        <a className={LINK} href={c.downloadUrl} download aria-label={`Download certificate ${c.serial} (PEM)`}>PEM</a>
                        <a className={LINK} href={c.chainUrl} download aria-label={`Download the chain of certificate ${c.serial}`}>chain</a>
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card title="Versions">
        {p.versions.length === 0 ? <p className="text-sm text-slate-500">No version signed yet.</p> : (
          <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800" aria-label="Versions">
            {p.versions.map((v) => (
              <li key={v.version} className="flex flex-wrap justify-between gap-2 py-2">
                <span className="font-medium">{v.version || "(no version)"}</span>
                <span className="text-slate-600 dark:text-slate-400">{v.artifacts} archive(s), {v.active} active · last signed {isoMinute(v.lastSignedAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <section className="space-y-3">
        <h2 className="text-lg font-semibold">Signed archives</h2>
        <ArtifactList slug={slug} pluginId={p.pluginId} canRevoke={canRevoke} />
      </section>
      {p.requests.length ? (
        <Card title="Requests">
          <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800" aria-label="Requests">
            {p.requests.map((r) => (
              <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>{isoMinute(r.createdAt)} · {r.keyMode === "hosted" ? "key held by Signet" : "key from a CSR"}</span>
                <span className="flex items-center gap-3">
                  <Badge tone={statusTone(r.status)}>{r.status}</Badge>
                  {r.certificateSerial ? <Link className={LINK} href={`/certificates/${r.certificateSerial}`}>certificate</Link> : null}
                </span>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}
