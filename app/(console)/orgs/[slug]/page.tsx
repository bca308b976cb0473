import { requireConsoleUser } from "@/lib/server/auth/current-principal";
import { OrgDetail } from "@/components/orgs/org-detail";
import { env } from "@/lib/env";
import { getStorePolicy } from "@/lib/server/settings/update-store-policy";

export const metadata = { title: "Organization" };

export default async function OrgPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const user = await requireConsoleUser(`/orgs/${slug}`);
  const policy = await getStorePolicy(user);
  const membership = user.memberships.find((m) => m.slug === slug);
  return <OrgDetail slug={slug} isMember={Boolean(membership)} isAdmin={membership?.role === "owner" || membership?.role === "admin"} isOperator={user.isOperator} selfEmail={user.email} publicUrl={env().publicUrl} pluginApprover={policy.pluginApprovalRequiresOperator ? "operator" : "org-admin"} />;
}
