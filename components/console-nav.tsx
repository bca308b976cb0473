"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { authClient } from "@/lib/client/auth-client";
import { NotificationBell } from "./notifications/notification-bell";
import { ThemeToggle } from "./theme-toggle";

type Item = { href: string; label: string };

export function ConsoleNav({ email, isOperator, orgs }: { email: string; isOperator: boolean; orgs: { slug: string; role: string }[] }) {
  const pathname = usePathname();
  const router = useRouter();
  const items: Item[] = [
    { href: "/dashboard", label: "Dashboard" },
    ...(isOperator ? [{ href: "/requests", label: "Requests" }, { href: "/orgs", label: "Organizations" }] : []),
    { href: "/hierarchy", label: "Hierarchy" },
    { href: "/certificates", label: "Certificates" },
    ...orgs.map((o) => ({ href: `/orgs/${o.slug}`, label: `Org · ${o.slug}` })),
    ...(isOperator ? [{ href: "/audit", label: "Audit log" }] : []),
    { href: "/verify", label: "Verify" },
    { href: "/settings", label: "Settings" },
  ];

  async function signOut() {
    await authClient.signOut();
    router.push("/sign-in");
    router.refresh();
  }

  return (
    <aside className="border-b border-slate-200 bg-white lg:min-h-screen lg:w-60 lg:border-r lg:border-b-0 dark:border-slate-800 dark:bg-slate-900">
      <div className="flex items-center justify-between px-4 py-4 lg:block">
        <Link href="/dashboard" className="text-lg font-bold tracking-tight">
          <span className="text-brand-600 dark:text-brand-400">◆</span> Signet
        </Link>
        <p className="hidden text-xs text-slate-500 lg:mt-1 lg:block dark:text-slate-400">{isOperator ? "Store operator" : "Organization"}</p>
        <div className="flex items-center gap-1 lg:mt-3 lg:-ml-2">
          <NotificationBell />
          <ThemeToggle />
        </div>
      </div>
      <nav aria-label="Console" className="flex flex-wrap gap-1 px-2 pb-2 lg:flex-col lg:flex-nowrap lg:pb-0">
        {items.map((item) => {
          const active = pathname === item.href || (item.href !== "/dashboard" && pathname.startsWith(item.href + "/"));
          return (
            <Link
              key={item.href}
              href={item.href}
              aria-current={active ? "page" : undefined}
              className={`shrink-0 rounded-md px-3 py-2 text-sm font-medium whitespace-nowrap ${active ? "bg-brand-50 text-brand-700 dark:bg-brand-900 dark:text-brand-50" : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"}`}
            >
              {item.label}
            </Link>
          );
        })}
      </nav>
      <div className="hidden border-t border-slate-200 px-4 py-4 lg:mt-6 lg:block dark:border-slate-800">
        <p className="truncate text-sm text-slate-700 dark:text-slate-300" title={email}>
          {email}
        </p>
        <button onClick={signOut} className="mt-2 text-sm font-medium text-brand-700 hover:underline dark:text-brand-300">
          Sign out
        </button>
      </div>
      <div className="px-4 pb-3 lg:hidden">
        <button onClick={signOut} className="text-sm font-medium text-brand-700 hover:underline dark:text-brand-300">
          Sign out ({email})
        </button>
      </div>
    </aside>
  );
}
