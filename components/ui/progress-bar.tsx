import type { ReactNode } from "react";

export function ProgressBar({ value, label, children }: { value: number; label: string; children?: ReactNode }) {
  const percent = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div className="space-y-1">
      <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800">
        <div className="h-full rounded-full bg-brand-600 transition-[width] duration-150" style={{ width: `${percent}%` }} />
      </div>
      {children ? <p className="text-xs text-slate-600 dark:text-slate-400">{children}</p> : null}
    </div>
  );
}
