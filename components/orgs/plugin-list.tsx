"use client";

import Link from "next/link";
import { usePlugins } from "@/lib/client/lifecycle-hooks";
import { Alert } from "../ui/alert";
import { Card } from "../ui/card";

/** The organization's plugin ids, each a link to its page (certificates, versions, artifacts). */
export function PluginList({ slug }: { slug: string }) {
  const plugins = usePlugins(slug);
  if (plugins.error) return <Alert>{plugins.error.message}</Alert>;
  if (!plugins.data?.length) return null;
  return (
    <Card title="Plugins">
      <ul className="divide-y divide-slate-200 text-sm dark:divide-slate-800" aria-label="Plugins">
        {plugins.data.map((p) => (
          <li key={p.pluginId} className="flex flex-wrap items-baseline justify-between gap-2 py-2">
            <Link className="font-medium text-brand-700 hover:underline wrap-anywhere dark:text-brand-300" href={`/orgs/${slug}/plugins/${encodeURIComponent(p.pluginId)}`}>{p.pluginId}</Link>
            <span className="text-slate-600 dark:text-slate-400">{p.certificates} certificate(s) · {p.artifacts} signed archive(s)</span>
          </li>
        ))}
      </ul>
    </Card>
  );
}
