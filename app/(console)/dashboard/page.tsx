import Link from "next/link";
import { requireConsoleUser } from "@/lib/server/auth/current-principal";
import { listCas } from "@/lib/server/cas/list-cas";
import { Badge, statusTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";

export const metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const user = await requireConsoleUser("/dashboard");
  const cas = await listCas();
  const root = cas.find((ca) => ca.kind === "root");
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Dashboard</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">Signed in as {user.email}{user.isOperator ? " · store operator" : ""}</p>
      </div>
      <Card title="Root CA" description="The trust anchor every plugin host pins.">
        {root ? (
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2" data-testid="root-ca">
            <div>
              <dt className="text-slate-500 dark:text-slate-400">Subject</dt>
              <dd className="font-medium">{root.subject}</dd>
            </div>
            <div>
              <dt className="text-slate-500 dark:text-slate-400">Status</dt>
              <dd>
                <Badge tone={statusTone(root.status)}>{root.status}</Badge>
              </dd>
            </div>
            <div>
              <dt className="text-slate-500 dark:text-slate-400">Serial</dt>
              <dd className="font-mono text-xs break-all">{root.serial}</dd>
            </div>
            <div>
              <dt className="text-slate-500 dark:text-slate-400">Valid until</dt>
              <dd>{new Date(root.notAfter).toUTCString()}</dd>
            </div>
            <div className="sm:col-span-2 flex flex-wrap gap-3 pt-1">
              <a className="text-sm font-medium text-brand-600 hover:underline" href={`/ca/${root.id}.pem`}>
                Download PEM
              </a>
              <a className="text-sm font-medium text-brand-600 hover:underline" href={`/ca/${root.id}.crt`}>
                Download DER
              </a>
              <Link className="text-sm font-medium text-brand-600 hover:underline" href="/hierarchy">
                View hierarchy
              </Link>
            </div>
          </dl>
        ) : (
          <p className="text-sm text-slate-500">No Root CA yet.</p>
        )}
      </Card>
      <Card title="Certificate authorities" description={`${cas.length} in total`}>
        <ul className="divide-y divide-slate-100 dark:divide-slate-800">
          {cas.map((ca) => (
            <li key={ca.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
              <span>
                <span className="font-medium">{ca.subject}</span> <span className="text-slate-500">({ca.kind})</span>
              </span>
              <Badge tone={statusTone(ca.status)}>{ca.status}</Badge>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
