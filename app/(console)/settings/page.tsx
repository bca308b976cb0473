import Link from "next/link";
import { requireConsoleUser } from "@/lib/server/auth/current-principal";
import { ApiTokens } from "@/components/settings/api-tokens";
import { MailOutbox } from "@/components/settings/mail-outbox";
import { env } from "@/lib/env";
import { PolicyForm } from "@/components/settings/policy-form";
import { WebhooksPanel } from "@/components/settings/webhooks-panel";
import { TargetsPanel } from "@/components/settings/targets-panel";
import { OperatorsPanel } from "@/components/settings/operators-panel";

export const metadata = { title: "Settings" };

export default async function SettingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireConsoleUser("/settings");
  const outboxTo = (await searchParams).outbox;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Settings</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Signed in as {user.email}. <Link href="/settings/security" className="font-medium text-brand-700 underline dark:text-brand-300">Security: authenticator app and passkeys</Link>
        </p>
      </div>
      <PolicyForm editable={user.isOperator} />
      <ApiTokens />
      {user.isOperator ? <TargetsPanel /> : null}
      {user.isOperator ? <OperatorsPanel selfEmail={user.email} /> : null}
      {user.isOperator ? <WebhooksPanel /> : null}
      {user.isOperator && !env().mail.smtpUrl ? <MailOutbox to={typeof outboxTo === "string" ? outboxTo.slice(0, 254) : undefined} /> : null}
    </div>
  );
}
