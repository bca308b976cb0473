import Link from "next/link";

export const metadata = { title: "Page not found" };

const LINK = "font-medium text-brand-700 hover:underline dark:text-brand-300";

export default function NotFound() {
  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-lg flex-col justify-center px-4 py-10">
      <p className="text-sm font-semibold tracking-wide text-brand-600 uppercase dark:text-brand-300">Signet · 404</p>
      <h1 className="mt-1 text-2xl font-bold">This page does not exist</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
        The address may be mistyped, or what it named was removed. Certificates are found by serial under Certificates; revocation data lives at
        /crl and /ocsp.
      </p>
      <nav aria-label="Where to go" className="mt-6 flex flex-wrap gap-x-5 gap-y-2 text-sm">
        <Link className={LINK} href="/dashboard">Console dashboard</Link>
        <Link className={LINK} href="/certificates">Certificates</Link>
        <Link className={LINK} href="/verify">Verify a plugin archive</Link>
      </nav>
    </main>
  );
}
