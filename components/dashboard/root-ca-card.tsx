import Link from "next/link";
import type { CaSummary } from "@/lib/server/cas/list-cas";
import { isoMinute } from "@/lib/client/format";
import { Badge, statusTone } from "../ui/badge";
import { Card } from "../ui/card";

const LINK = "text-sm font-medium text-brand-700 hover:underline dark:text-brand-300";

export function RootCaCard({ root, caCount }: { root: CaSummary | undefined; caCount: number }) {
  return (
    <Card title="Root CA" description={`The trust anchor every plugin host pins · ${caCount} certificate authorit${caCount === 1 ? "y" : "ies"} in all`}>
      {root ? (
        <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-4" data-testid="root-ca">
          <div>
            <dt className="text-slate-500">Subject</dt>
            <dd className="font-medium wrap-anywhere">{root.subject}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Status</dt>
            <dd><Badge tone={statusTone(root.status)}>{root.status}</Badge></dd>
          </div>
          <div>
            <dt className="text-slate-500">Serial</dt>
            <dd className="font-mono text-xs break-all">{root.serial}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Valid until</dt>
            <dd>{isoMinute(root.notAfter)}</dd>
          </div>
        </dl>
      ) : (
        <p className="text-sm text-slate-500">No Root CA yet.</p>
      )}
      {root ? (
        <div className="mt-4 flex flex-wrap gap-x-4 gap-y-2">
          <a className={LINK} href={`/ca/${root.id}.pem`}>Download PEM</a>
          <a className={LINK} href={`/ca/${root.id}.crt`}>Download DER</a>
          <Link className={LINK} href={`/certificates/${root.serial}`}>Decode</Link>
          <Link className={LINK} href="/hierarchy">View hierarchy</Link>
        </div>
      ) : null}
    </Card>
  );
}
