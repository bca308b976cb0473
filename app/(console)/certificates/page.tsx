import { requireConsoleUser } from "@/lib/server/auth/current-principal";
import { CertificateTable } from "@/components/certificates/certificate-table";

export const metadata = { title: "Certificates" };

export default async function CertificatesPage() {
  await requireConsoleUser("/certificates");
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Certificates</h1>
      <CertificateTable />
    </div>
  );
}
