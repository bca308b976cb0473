import { requireConsoleUser } from "@/lib/server/auth/current-principal";
import { RequestQueue } from "@/components/requests/request-queue";
import { PendingRevocations } from "@/components/requests/pending-revocations";

export const metadata = { title: "Requests" };

export default async function RequestsPage() {
  const user = await requireConsoleUser("/requests");
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Requests</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">Each request shows what was asked beside the certificate it will become. The profile decides every field.</p>
      </div>
      {user.isOperator ? <PendingRevocations /> : null}
      <RequestQueue syncUrl showOrgFilter={user.isOperator || user.memberships.length > 1} />
    </div>
  );
}
