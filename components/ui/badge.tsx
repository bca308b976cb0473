import type { ReactNode } from "react";

type Tone = "green" | "amber" | "red" | "slate" | "blue";

const TONES: Record<Tone, string> = {
  green: "bg-emerald-50 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-300",
  amber: "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-950 dark:text-amber-300",
  red: "bg-red-50 text-red-800 ring-red-600/20 dark:bg-red-950 dark:text-red-300",
  slate: "bg-slate-100 text-slate-700 ring-slate-500/20 dark:bg-slate-800 dark:text-slate-300",
  blue: "bg-brand-50 text-brand-700 ring-brand-600/20 dark:bg-brand-900 dark:text-brand-100",
};

export function Badge({ tone = "slate", children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone]}`}>{children}</span>;
}

export function statusTone(status: string): Tone {
  if (["active", "issued", "approved", "good", "valid", "ok"].includes(status)) return "green";
  if (["pending", "reserved", "expiring"].includes(status)) return "amber";
  if (["revoked", "rejected", "failed", "invalid", "expired", "modified", "suspended"].includes(status)) return "red";
  return "slate";
}
