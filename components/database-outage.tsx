"use client";
// What a person sees while the database is unavailable: the truth, and that they are still signed in.
// Shown by the console layout (in place of the page) and by the error boundaries (app/error.tsx).
import { Button } from "@/components/ui/button";

export function DatabaseOutage() {
  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-lg flex-col justify-center px-4 py-10">
      <p className="text-sm font-semibold tracking-wide text-brand-600 uppercase dark:text-brand-300">Signet · 503</p>
      <div role="alert" aria-labelledby="outage-title" className="mt-2 rounded-lg bg-amber-50 p-4 text-amber-950 ring-1 ring-amber-200 ring-inset dark:bg-amber-950 dark:text-amber-50 dark:ring-amber-900">
        <h1 id="outage-title" className="text-xl font-bold">
          The database is unavailable
        </h1>
        <p className="mt-2 text-sm">
          Signet cannot reach its database right now, so this page cannot be shown. Nothing was lost and nobody was signed out: try again in a few
          seconds. Signet reconnects by itself once the database is back.
        </p>
        <p className="mt-2 text-sm">Meanwhile plugin hosts still get CA certificates, current CRLs and pre-signed OCSP answers.</p>
      </div>
      <div className="mt-6">
        <Button type="button" onClick={() => window.location.reload()}>
          Try again
        </Button>
      </div>
    </main>
  );
}
