"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { ARTIFACT_LABEL, STORE_NAME, useArtifacts, useRevokeArtifact, type ArtifactItem } from "@/lib/client/artifacts";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Select, TextInput } from "../ui/field";
import { Pager } from "../ui/pager";
import { useListState } from "@/lib/client/url-filters";

function RevokeForm({ artifact, onDone }: { artifact: ArtifactItem; onDone: () => void }) {
  const revoke = useRevokeArtifact();
  const [error, setError] = useState<string>();
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const reason = String(new FormData(e.currentTarget).get("reason")).trim();
    try {
      await revoke.mutateAsync({ id: artifact.id, reason });
      onDone();
    } catch (err) {
      setError(err instanceof Error ? err.message : "Revocation failed");
    }
  }
  return (
    <form onSubmit={onSubmit} className="mt-2 flex flex-wrap items-end gap-2" aria-label={`Revoke ${artifact.pluginId} ${artifact.version}`}>
      <label className="text-xs text-slate-500">
        Reason
        <TextInput name="reason" required minLength={3} maxLength={500} placeholder="e.g. ships a vulnerable library" className="mt-1 w-72" />
      </label>
      <Button type="submit" variant="danger" disabled={revoke.isPending}>Revoke artifact</Button>
      <Button type="button" variant="ghost" onClick={onDone}>Cancel</Button>
      {error ? <Alert>{error}</Alert> : null}
    </form>
  );
}

const PAGE = 25;
const KEYS = ["q", "status", "cursor"] as const;
const LABEL = "block text-xs font-medium text-slate-600 dark:text-slate-300";

export function ArtifactList({ slug, canRevoke, pluginId }: { slug: string; canRevoke: boolean; pluginId?: string }) {
  const [state, update] = useListState(KEYS, { syncUrl: false });
  const [text, setText] = useState("");
  const page = useArtifacts(slug, { ...state, limit: String(PAGE), ...(pluginId ? { pluginId } : {}) });
  const { isLoading, error } = page;
  const data = page.data?.items;
  const filtered = Boolean(state.q || state.status);
  const [revoking, setRevoking] = useState<string>();
  return (
    <Card>
      <form role="search" aria-label="Filter signed archives" className="mb-4 flex flex-wrap items-end gap-3" onSubmit={(e) => { e.preventDefault(); update({ q: text.trim() }); }}>
        <div className="w-full sm:w-64">
          <label htmlFor="artifact-search" className={LABEL}>Search archives</label>
          <TextInput id="artifact-search" type="search" value={text} onChange={(e) => setText(e.target.value)} onBlur={() => update({ q: text.trim() })} placeholder="Plugin id, version, SHA-256, serial" className="mt-1" />
        </div>
        <div>
          <label htmlFor="artifact-status" className={LABEL}>Archive status</label>
          <Select id="artifact-status" value={state.status ?? ""} onChange={(e) => update({ status: e.target.value })} className="mt-1">
            <option value="">Any</option>
            <option value="active">Not revoked</option>
            <option value="revoked">Revoked</option>
          </Select>
        </div>
        <Button type="submit" variant="secondary">Search</Button>
      </form>
      {isLoading ? <p className="text-sm text-slate-500">Loading…</p> : null}
      {error ? <Alert>{error.message}</Alert> : null}
      {data && data.length === 0 ? <p className="py-6 text-center text-sm text-slate-500">{filtered ? "No signed archive matches." : "No signed archives yet."}</p> : null}
      {data && data.length > 0 ? (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs text-slate-500 uppercase">
              <tr>
                <th className="py-2 pr-4">Plugin</th>
                <th className="hidden py-2 pr-4 sm:table-cell">Store</th>
                <th className="py-2 pr-4">Version</th>
                <th className="hidden py-2 pr-4 sm:table-cell">Signed</th>
                <th className="hidden py-2 pr-4 md:table-cell">Entries</th>
                <th className="hidden py-2 pr-4 md:table-cell">SHA-256</th>
                <th className="py-2 pr-4">Status</th>
                <th className="py-2">Files</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {data.map((a) => (
                <tr key={a.id} className="align-top">
                  <td className="py-2 pr-4 font-medium"><Link className="text-brand-700 hover:underline wrap-anywhere dark:text-brand-300" href={`/orgs/${slug}/plugins/${encodeURIComponent(a.pluginId)}`}>{a.pluginId}</Link></td>
                  <td className="hidden py-2 pr-4 sm:table-cell">{STORE_NAME[a.target ?? "jami"] ?? a.target}</td>
                  <td className="py-2 pr-4">{a.version || "—"}</td>
                  <td className="hidden py-2 pr-4 whitespace-nowrap sm:table-cell">{new Date(a.createdAt).toLocaleString()}</td>
                  <td className="hidden py-2 pr-4 md:table-cell">{a.fileCount}</td>
                  <td className="hidden py-2 pr-4 font-mono text-xs md:table-cell" title={a.sha256}>{a.sha256.slice(0, 12)}…</td>
                  <td className="py-2 pr-4">
                    {a.revocation ? (
                      <span title={a.revocation.reason ?? undefined}><Badge tone="red">revoked</Badge> <span className="text-xs text-slate-500">{a.revocation.reason}</span></span>
                    ) : a.certificateRevoked ? (
                      <span><Badge tone="red">certificate revoked</Badge> <a className="text-xs font-medium text-brand-700 hover:underline dark:text-brand-300" href={`/certificates/${a.certificateSerial}`}>signing certificate</a></span>
                    ) : (
                      <Badge tone="green">active</Badge>
                    )}
                  </td>
                  <td className="py-2">
                    <div className="flex flex-wrap gap-3">
                      <a className="font-medium text-brand-700 hover:underline dark:text-brand-300" href={a.downloadUrl} download aria-label={`Download ${a.pluginId} ${a.version}`}>{ARTIFACT_LABEL[a.target ?? "jami"] ?? "file"}</a>
                      <a className="font-medium text-brand-700 hover:underline dark:text-brand-300" href={a.signatureUrl} download aria-label={`Download the signature of ${a.pluginId} ${a.version}`}>.p7s</a>
                      {a.storeSignatureUrl ? <a className="font-medium text-brand-700 hover:underline dark:text-brand-300" href={a.storeSignatureUrl} download aria-label={`Download the Mattermost signature of ${a.pluginId} ${a.version}`}>.sig</a> : null}
                      {canRevoke && !a.revocation && revoking !== a.id ? (
                        <button className="font-medium text-red-700 hover:underline dark:text-red-300" onClick={() => setRevoking(a.id)}>Revoke…</button>
                      ) : null}
                    </div>
                    {revoking === a.id ? <RevokeForm artifact={a} onDone={() => setRevoking(undefined)} /> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager label="Signed archive pages" atStart={!state.cursor} next={page.data?.next} onFirst={() => update({ cursor: "" })} onNext={(cursor) => update({ cursor })} />
    </Card>
  );
}
