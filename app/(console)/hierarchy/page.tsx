import { requireConsoleUser } from "@/lib/server/auth/current-principal";
import { getHierarchy } from "@/lib/server/cas/get-hierarchy";
import { HierarchyTree } from "@/components/certificates/hierarchy-tree";

export const metadata = { title: "Hierarchy" };

export default async function HierarchyPage() {
  const user = await requireConsoleUser("/hierarchy");
  const roots = await getHierarchy(user);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Hierarchy</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">Root CA → organization CAs → plugin certificates.</p>
      </div>
      <HierarchyTree roots={roots} />
    </div>
  );
}
