"use client";

// The Grafana root URLs an organization's private Grafana plugins are signed for (FORMATS.md §6
// rootUrls): a Grafana whose root_url is not listed refuses the plugin. Admins edit them; members see them.
import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import { Button } from "../ui/button";

/** `onSaved`: the upload form clears its refusal for want of root URLs. */
export function GrafanaRootUrls({ slug, rootUrls, isAdmin, onSaved }: { slug: string; rootUrls: string[]; isAdmin: boolean; onSaved?: () => void }) {
  const client = useQueryClient();
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (urls: string[]) => apiFetch<{ rootUrls: string[] }>(`/api/v1/orgs/${encodeURIComponent(slug)}/targets/grafana`, { method: "PUT", json: { rootUrls: urls } }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.orgs.detail(slug) }),
  });
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError(undefined);
    setSaved(false);
    const urls = String(new FormData(e.currentTarget).get("rootUrls")).split(/\s+/).filter(Boolean);
    try {
      await save.mutateAsync(urls);
      setSaved(true);
      onSaved?.();
    } catch (err) {
      setError(err instanceof Error ? err.message : "Saving failed");
    }
  }
  const help = "Grafana accepts a private plugin only on the Grafana servers whose root_url (grafana.ini [server]) is listed in its signature.";
  if (!isAdmin) {
    return (
      <div className="rounded-md bg-slate-50 p-3 text-sm dark:bg-slate-800/60">
        <p className="font-medium">Grafana root URLs</p>
        <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">{help}</p>
        {rootUrls.length > 0 ? (
          <ul className="mt-2 font-mono text-xs">{rootUrls.map((u) => <li key={u} className="break-words">{u}</li>)}</ul>
        ) : (
          <p className="mt-2 text-xs font-medium text-amber-800 dark:text-amber-300">None yet: ask an admin of this organization to add them before signing a Grafana plugin.</p>
        )}
      </div>
    );
  }
  return (
    <form onSubmit={onSubmit} aria-label="Grafana root URLs" className="rounded-md bg-slate-50 p-3 text-sm dark:bg-slate-800/60">
      <label htmlFor="grafana-root-urls" className="block font-medium">Grafana root URLs</label>
      <p id="grafana-root-urls-help" className="mt-1 text-xs text-slate-600 dark:text-slate-400">{help} One URL a line, e.g. https://grafana.example.com/.</p>
      <textarea
        id="grafana-root-urls"
        name="rootUrls"
        rows={2}
        defaultValue={rootUrls.join("\n")}
        aria-describedby={error ? "grafana-root-urls-help grafana-root-urls-error" : "grafana-root-urls-help"}
        aria-invalid={error ? true : undefined}
        className="mt-2 block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-xs text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-brand-600 aria-invalid:ring-red-600 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700"
      />
      {error ? <p id="grafana-root-urls-error" className="mt-1 text-xs font-medium text-red-700 dark:text-red-300">{error}</p> : null}
      <div className="mt-2 flex items-center gap-3">
        <Button type="submit" variant="secondary" disabled={save.isPending}>Save root URLs</Button>
        {saved ? <span role="status" className="text-xs text-green-700 dark:text-green-300">Saved</span> : null}
      </div>
    </form>
  );
}
