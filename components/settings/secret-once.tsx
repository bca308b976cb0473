"use client";

import { useToast } from "../ui/toast";

/** A secret shown exactly once (an API token, a webhook signing secret), with a copy button. */
export function SecretOnce({ label, kept, value, testId, onDone }: { label: string; kept: string; value: string; testId: string; onDone: () => void }) {
  const toast = useToast();
  return (
    <div role="status" className="space-y-3 rounded-lg bg-emerald-50 p-4 ring-1 ring-emerald-200 ring-inset dark:bg-emerald-950 dark:ring-emerald-900">
      <p className="text-sm font-medium text-emerald-900 dark:text-emerald-100">{label} Copy it now: {kept}, and it will not be shown again.</p>
      <code data-testid={testId} className="block rounded-md bg-white p-3 font-mono text-xs break-all text-slate-900 dark:bg-slate-900 dark:text-slate-100">{value}</code>
      <div className="flex gap-3 text-sm">
        <button
          type="button"
          className="font-semibold text-emerald-900 underline dark:text-emerald-100"
          onClick={async () => {
            await navigator.clipboard.writeText(value);
            toast("Copied to the clipboard");
          }}
        >
          Copy
        </button>
        <button type="button" className="font-semibold text-emerald-900 underline dark:text-emerald-100" onClick={onDone}>I have stored it</button>
      </div>
    </div>
  );
}
