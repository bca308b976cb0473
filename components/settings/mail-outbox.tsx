"use client";

// With no SMTP configured, what Signet would have mailed lands here (operators only): the
// verification links and invitations of a store that runs with one command.
import Link from "next/link";
import { useState } from "react";
import { isoMinute } from "@/lib/client/format";
import { useOutbox } from "@/lib/client/team-hooks";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { LoadingRows } from "../ui/skeleton";

/** `to`: only the messages to that address (a request review links here), the newest one open. */
export function MailOutbox({ to }: { to?: string }) {
  const outbox = useOutbox(to);
  const messages = outbox.data;
  const [open, setOpen] = useState<string | undefined>(undefined);
  const shown = open ?? (to ? messages?.[0]?.id : undefined);
  return (
    <div id="mail-outbox" className="scroll-mt-4">
      <Card
        title="Mail outbox"
        description="No SMTP server is configured (SIGNET_SMTP_URL), so messages are kept here for you to read and forward."
        actions={to ? <Link href="/settings#mail-outbox" className="text-sm font-medium text-brand-700 underline dark:text-brand-300">Show all messages</Link> : undefined}
      >
        {to ? <p className="mb-2 text-sm text-slate-600 dark:text-slate-300">Messages to {to}</p> : null}
        {outbox.isLoading ? <LoadingRows rows={3} label="Loading the outbox…" /> : null}
        {outbox.error ? <Alert>{outbox.error.message}</Alert> : null}
        {messages && messages.length === 0 ? <EmptyState title="No messages">Verification links and invitations appear here.</EmptyState> : null}
        {messages?.length ? (
          <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Outbox messages">
            {messages.map((m) => (
              <li key={m.id} className="py-3 text-sm">
                <button className="w-full text-left" onClick={() => setOpen(shown === m.id ? "" : m.id)} aria-expanded={shown === m.id}>
                  <span className="font-medium">{m.subject}</span> <Badge>{m.kind}</Badge>
                  <span className="block text-xs text-slate-500">to {m.to} · {isoMinute(m.createdAt)}</span>
                </button>
                {shown === m.id ? <pre className="mt-2 overflow-x-auto rounded-md bg-slate-50 p-3 text-xs whitespace-pre-wrap dark:bg-slate-800" data-testid="outbox-text">{m.text}</pre> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </Card>
    </div>
  );
}
