import type { ReactNode } from "react";
import { requireConsoleUser } from "@/lib/server/auth/current-principal";
import { ConsoleNav } from "@/components/console-nav";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await requireConsoleUser();
  return (
    <div className="min-h-screen lg:flex">
      <ConsoleNav email={user.email} isOperator={user.isOperator} orgs={user.memberships.map((m) => ({ slug: m.slug, role: m.role }))} />
      <main id="main" className="flex-1 px-4 py-6 sm:px-8 lg:py-10">
        <div className="mx-auto max-w-6xl">{children}</div>
      </main>
    </div>
  );
}
