import { requireConsoleUser } from "@/lib/server/auth/current-principal";
import { AuditBrowser } from "@/components/audit/audit-browser";
import { Alert } from "@/components/ui/alert";

export const metadata = { title: "Audit log" };

export default async function AuditPage() {
  const user = await requireConsoleUser("/audit");
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Audit log</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">Every decision and every use of a CA or signing key, append-only and hash-chained.</p>
      </div>
      {user.isOperator ? <AuditBrowser /> : <Alert>Only store operators read the audit log.</Alert>}
    </div>
  );
}
