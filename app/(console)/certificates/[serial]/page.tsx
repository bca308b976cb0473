import { requireConsoleUser } from "@/lib/server/auth/current-principal";
import { CertificateDetailView } from "@/components/certificates/certificate-detail";

export const metadata = { title: "Certificate" };

export default async function CertificatePage({ params }: { params: Promise<{ serial: string }> }) {
  const { serial } = await params;
  const user = await requireConsoleUser(`/certificates/${serial}`);
  return <CertificateDetailView serial={serial} isOperator={user.isOperator} selfEmail={user.email} adminOf={user.memberships.filter((m) => m.role !== "member").map((m) => m.slug)} />;
}
