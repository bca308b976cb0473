"use client";
// The error boundary of every page. A database outage is shown as such: either the error carries the
// digest lib/server/db/unavailable.ts sets (Next keeps it in production, where it hides the message),
// or the page failed on a query of its own, and readiness then says the database is away. Anything
// else is a plain error page, no stack.
import Link from "next/link";
import { useEffect, useState } from "react";
import { DatabaseOutage } from "@/components/database-outage";
import { Button } from "@/components/ui/button";
import { DATABASE_UNAVAILABLE_DIGEST } from "@/lib/server/db/unavailable-digest";

type Cause = "checking" | "database" | "other";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const marked = error.digest === DATABASE_UNAVAILABLE_DIGEST;
  const [cause, setCause] = useState<Cause>(marked ? "database" : "checking");
  useEffect(() => {
    if (marked) return;
    let live = true;
    fetch("/api/v1/health/ready", { cache: "no-store" })
      .then(async (res) => {
        await res.arrayBuffer().catch(() => undefined);
        if (live) setCause(res.status === 503 ? "database" : "other");
      })
      .catch(() => live && setCause("other"));
    return () => {
      live = false;
    };
  }, [marked]);
  if (cause === "database") return <DatabaseOutage />;
  if (cause === "checking") return <main id="main" className="min-h-screen" aria-busy="true" />;
  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-lg flex-col justify-center px-4 py-10">
      <p className="text-sm font-semibold tracking-wide text-brand-600 uppercase dark:text-brand-300">Signet · error</p>
      <h1 className="mt-1 text-2xl font-bold">This page could not be shown</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
        Something went wrong on our side and was logged{error.digest ? ` (reference ${error.digest})` : ""}. Try again, or go back to the dashboard.
      </p>
      <div className="mt-6 flex items-center gap-4">
        <Button type="button" onClick={() => reset()}>
          Try again
        </Button>
        <Link className="text-sm font-medium text-brand-700 hover:underline dark:text-brand-300" href="/dashboard">
          Console dashboard
        </Link>
      </div>
    </main>
  );
}
