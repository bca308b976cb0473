import type { ReactNode } from "react";

/** `id`: for a one-field form, point the field's aria-describedby at the alert (describedBy in lib/client/field-errors.ts). */
export function Alert({ tone = "error", children, id }: { tone?: "error" | "info" | "success"; children: ReactNode; id?: string }) {
  const styles = {
    error: "bg-red-50 text-red-800 ring-red-200 dark:bg-red-950 dark:text-red-200 dark:ring-red-900",
    info: "bg-brand-50 text-brand-900 ring-brand-100 dark:bg-brand-900 dark:text-brand-50 dark:ring-brand-700",
    success: "bg-emerald-50 text-emerald-900 ring-emerald-200 dark:bg-emerald-950 dark:text-emerald-100 dark:ring-emerald-900",
  }[tone];
  return (
    <div id={id} role={tone === "error" ? "alert" : "status"} className={`rounded-md px-3.5 py-2.5 text-sm ring-1 ring-inset ${styles}`}>
      {children}
    </div>
  );
}
