import { requireConsoleUser } from "@/lib/server/auth/current-principal";
import { OrgList } from "@/components/orgs/org-list";

export const metadata = { title: "Organizations" };

export default async function OrgsPage() {
  await requireConsoleUser("/orgs");
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Organizations</h1>
      <OrgList />
    </div>
  );
}
