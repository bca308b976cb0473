import { requireConsoleUser } from "@/lib/server/auth/current-principal";
import { CertificateDetailView } from "@/components/certificates/certificate-detail";
import { getStorePolicy } from "@/lib/server/settings/update-store-policy";

export const metadata = { title: "Certificate" };

export default async function CertificatePage({ params }: { params: Promise<{ serial: string }> }) {
  const { serial } = await params;
  const user = await requireConsoleUser(`/certificates/${serial}`);
  const policy = await getStorePolicy(user);
  return (
    <CertificateDetailView
      serial={serial}
      isOperator={user.isOperator}
      selfEmail={user.email}
      adminOf={user.memberships.filter((m) => m.role !== "member").map((m) => m.slug)}
      memberOf={user.memberships.map((m) => m.slug)}
      pluginApprover={policy.pluginApprovalRequiresOperator ? "operator" : "org-admin"}
    />
  );
}
