import { requireConsoleUser } from "@/lib/server/auth/current-principal";
import { CertificateTable } from "@/components/certificates/certificate-table";

export const metadata = { title: "Certificates" };

// Links from the dashboard ("expiring within 30 days") open the inventory already filtered: the table reads its filters from the URL.
export default async function CertificatesPage() {
  const user = await requireConsoleUser("/certificates");
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Certificates</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {user.isOperator ? "Every certificate the store has issued." : "Your organizations' certificates."} Exports hold exactly the rows the filters select.
        </p>
      </div>
      <CertificateTable syncUrl showOrgFilter={user.isOperator || user.memberships.length > 1} />
    </div>
  );
}
