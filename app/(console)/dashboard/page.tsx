import { connection } from "next/server";
import { requireConsoleUser } from "@/lib/server/auth/current-principal";
import { listCas } from "@/lib/server/cas/list-cas";
import { getDashboard } from "@/lib/server/dashboard/get-dashboard";
import { MemberDashboard } from "@/components/dashboard/member-dashboard";
import { OperatorDashboard } from "@/components/dashboard/operator-dashboard";
import { RootCaCard } from "@/components/dashboard/root-ca-card";

export const metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  await connection();
  const user = await requireConsoleUser("/dashboard");
  const now = new Date();
  const [dashboard, cas] = await Promise.all([getDashboard(user, now), listCas(now)]);
  const root = cas.find((ca) => ca.kind === "root");
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Dashboard</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Signed in as {user.email}
          {user.isOperator ? " · store operator" : ""}
          {user.memberships.length ? ` · ${user.memberships.map((m) => `${m.slug} (${m.role})`).join(", ")}` : ""}
        </p>
      </div>
      {dashboard.operator ? <OperatorDashboard data={dashboard.operator} now={now.getTime()} /> : null}
      {dashboard.member ? (
        <section aria-label="Your organizations" className="space-y-3">
          {dashboard.operator ? <h2 className="text-lg font-semibold">Your organizations</h2> : null}
          <MemberDashboard data={dashboard.member} now={now.getTime()} />
        </section>
      ) : null}
      <RootCaCard root={root} caCount={cas.length} />
    </div>
  );
}
