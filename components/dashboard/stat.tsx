import Link from "next/link";
import type { ReactNode } from "react";

/** One headline number on the dashboard, linking to where it can be acted on. */
export function Stat({ label, value, href, hint, tone = "plain", testId }: { label: string; value: number; href: string; hint?: ReactNode; tone?: "plain" | "warn" | "alert"; testId?: string }) {
  const color = tone === "alert" ? "text-red-700 dark:text-red-300" : tone === "warn" ? "text-amber-700 dark:text-amber-300" : "";
  return (
    <Link href={href} data-testid={testId} className="group rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 hover:ring-brand-500 focus-visible:outline-2 focus-visible:outline-brand-600 dark:bg-slate-900 dark:ring-slate-800">
      <span className="block text-sm text-slate-500">{label}</span>
      <span className={`mt-1 block text-3xl font-bold tabular-nums ${color}`}>{value}</span>
      {hint ? <span className="mt-1 block text-xs text-slate-500 group-hover:underline">{hint}</span> : null}
    </Link>
  );
}
