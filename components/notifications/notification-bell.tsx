"use client";

// The bell in the console nav: a count of what needs this person (pending approvals they decide,
// certificates expiring within 30 days) and a disclosure panel listing them as links.
import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { useNotifications } from "@/lib/client/notification-hooks";

export function NotificationBell() {
  const { data, isLoading, error } = useNotifications();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const wrapper = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const count = data?.count ?? 0;

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (!wrapper.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  return (
    <div ref={wrapper} className="relative">
      <button
        ref={button}
        type="button"
        onClick={() => setOpen(!open)}
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={count ? `Notifications: ${count} need${count === 1 ? "s" : ""} attention` : "Notifications: none"}
        className="relative inline-flex h-9 w-9 items-center justify-center rounded-md text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-600 dark:text-slate-300 dark:hover:bg-slate-800"
      >
        <svg aria-hidden viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
          <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {count ? (
          <span data-testid="notification-count" className="absolute -top-0.5 -right-0.5 min-w-5 rounded-full bg-red-600 px-1 text-center text-[11px] leading-5 font-semibold text-white">
            {count > 99 ? "99+" : count}
          </span>
        ) : null}
      </button>
      {open ? (
        <div
          id={panelId}
          role="region"
          aria-label="Notifications"
          className="absolute right-0 z-50 mt-2 w-80 max-w-[calc(100vw-2rem)] rounded-lg bg-white shadow-lg ring-1 ring-slate-200 lg:right-auto lg:left-0 dark:bg-slate-900 dark:ring-slate-700"
        >
          <p className="border-b border-slate-100 px-4 py-2.5 text-sm font-semibold dark:border-slate-800">Needs your attention</p>
          {isLoading ? <p className="px-4 py-3 text-sm text-slate-500">Loading…</p> : null}
          {error ? <p className="px-4 py-3 text-sm text-red-700 dark:text-red-300">{error.message}</p> : null}
          {data && data.items.length === 0 ? <p className="px-4 py-6 text-center text-sm text-slate-500">Nothing pending, nothing expiring within 30 days.</p> : null}
          {data?.items.length ? (
            <ul className="max-h-96 divide-y divide-slate-100 overflow-y-auto dark:divide-slate-800">
              {data.items.map((n) => (
                <li key={n.id}>
                  <Link href={n.href} onClick={() => setOpen(false)} className="block px-4 py-3 hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-none dark:hover:bg-slate-800 dark:focus-visible:bg-slate-800">
                    <span className="flex items-center gap-2 text-sm font-medium">
                      <span aria-hidden className={`h-2 w-2 shrink-0 rounded-full ${n.kind === "request.pending" ? "bg-amber-500" : "bg-red-500"}`} />
                      {n.title}
                    </span>
                    <span className="mt-0.5 block pl-4 text-xs text-slate-500">{n.detail}</span>
                  </Link>
                </li>
              ))}
            </ul>
          ) : null}
          {data && data.count > data.items.length ? <p className="px-4 py-2 text-xs text-slate-500">and {data.count - data.items.length} more</p> : null}
        </div>
      ) : null}
    </div>
  );
}
