import Link from "next/link";
import { VerifyArchive } from "@/components/verify/verify-archive";
import { activeRootCaId } from "@/lib/server/cas/active-root";

export const dynamic = "force-dynamic";

export const metadata = { title: "Verify a plugin archive" };

const LINK = "font-medium text-brand-700 hover:underline dark:text-brand-300";

export default async function VerifyPage() {
  const rootId = await activeRootCaId();
  return (
    <main id="main" className="mx-auto max-w-5xl px-4 py-10">
      <div className="mb-8">
        <p className="text-sm font-semibold tracking-wide text-brand-600 uppercase dark:text-brand-300">Signet</p>
        <h1 className="mt-1 text-2xl font-bold">Verify a plugin archive</h1>
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
          Checks every file&apos;s signature, the certificate chain up to this store&apos;s root, the live revocation status of each certificate, and
          whether the archive itself was revoked. The archive is checked on the server and not kept. The same checks run offline with{" "}
          <code className="font-mono">npx signet verify ARCHIVE --root root.pem</code>
          {rootId ? (
            <>
              {" "}using this store&apos;s root certificate: <a className={LINK} href={`/ca/${rootId}.pem`} download="root.pem">download root.pem</a> (<a className={LINK} href={`/ca/${rootId}.crt`}>DER</a>)
            </>
          ) : null}
          . <Link href="/dashboard" className={LINK}>Console</Link>
        </p>
      </div>
      <VerifyArchive />
    </main>
  );
}
