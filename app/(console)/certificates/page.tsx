import { requireConsoleUser } from "@/lib/server/auth/current-principal";
import { CertificateTable, type InventoryFilter } from "@/components/certificates/certificate-table";

export const metadata = { title: "Certificates" };

const KEYS = ["q", "kind", "status", "org", "expiresWithinDays", "sort", "order"] as const;

export default async function CertificatesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireConsoleUser("/certificates");
  const params = await searchParams;
  // Links from the dashboard ("expiring within 30 days") open the inventory already filtered.
  const initial: InventoryFilter = Object.fromEntries(KEYS.flatMap((k) => (typeof params[k] === "string" ? [[k, params[k]]] : [])));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Certificates</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {user.isOperator ? "Every certificate the store has issued." : "Your organizations' certificates."} Exports hold exactly the rows the filters select.
        </p>
      </div>
      <CertificateTable initial={initial} syncUrl showOrgFilter={user.isOperator || user.memberships.length > 1} />
    </div>
  );
}
