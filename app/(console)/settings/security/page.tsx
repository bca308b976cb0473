import Link from "next/link";
import { requireConsoleUser } from "@/lib/server/auth/current-principal";
import { SecuritySettings } from "@/components/security/security-settings";

export const metadata = { title: "Security" };

export default async function SecurityPage({ searchParams }: { searchParams: Promise<{ required?: string }> }) {
  const user = await requireConsoleUser("/settings/security");
  const { required } = await searchParams;
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm"><Link href="/settings" className="text-brand-700 underline dark:text-brand-300">Settings</Link> / Security</p>
        <h1 className="text-2xl font-bold">Security</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">Second factors for {user.email}.</p>
      </div>
      <SecuritySettings required={required === "1"} />
    </div>
  );
}
