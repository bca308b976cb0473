import type { ReactNode } from "react";
import { requireConsoleUser } from "@/lib/server/auth/current-principal";
import type { UserPrincipal } from "@/lib/server/auth/principal";
import { isDatabaseUnavailable } from "@/lib/server/db/unavailable";
import { ConsoleNav } from "@/components/console-nav";
import { DatabaseOutage } from "@/components/database-outage";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  let user: UserPrincipal;
  try {
    user = await requireConsoleUser();
  } catch (err) {
    // A session that cannot be checked is not a missing one: say so instead of sending people to sign-in.
    if (isDatabaseUnavailable(err)) return <DatabaseOutage />;
    throw err;
  }
  return (
    <div className="min-h-screen lg:flex">
      <ConsoleNav email={user.email} isOperator={user.isOperator} orgs={user.memberships.map((m) => ({ slug: m.slug, role: m.role }))} />
      <main id="main" className="flex-1 px-4 py-6 sm:px-8 lg:py-10">
        <div className="mx-auto max-w-6xl">{children}</div>
      </main>
    </div>
  );
}
