"use client";

// With no SMTP configured, what Signet would have mailed lands here (operators only): the
// verification links and invitations of a store that runs with one command.
import { useState } from "react";
import { isoMinute } from "@/lib/client/format";
import { useOutbox } from "@/lib/client/team-hooks";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { LoadingRows } from "../ui/skeleton";

export function MailOutbox() {
  const outbox = useOutbox();
  const [open, setOpen] = useState<string>();
  return (
    <Card title="Mail outbox" description="No SMTP server is configured (SIGNET_SMTP_URL), so messages are kept here for you to read and forward.">
      {outbox.isLoading ? <LoadingRows rows={3} label="Loading the outbox…" /> : null}
      {outbox.error ? <Alert>{outbox.error.message}</Alert> : null}
      {outbox.data && outbox.data.length === 0 ? <EmptyState title="No messages">Verification links and invitations appear here.</EmptyState> : null}
      {outbox.data?.length ? (
        <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Outbox messages">
          {outbox.data.map((m) => (
            <li key={m.id} className="py-3 text-sm">
              <button className="w-full text-left" onClick={() => setOpen(open === m.id ? undefined : m.id)} aria-expanded={open === m.id}>
                <span className="font-medium">{m.subject}</span> <Badge>{m.kind}</Badge>
                <span className="block text-xs text-slate-500">to {m.to} · {isoMinute(m.createdAt)}</span>
              </button>
              {open === m.id ? <pre className="mt-2 overflow-x-auto rounded-md bg-slate-50 p-3 text-xs whitespace-pre-wrap dark:bg-slate-800" data-testid="outbox-text">{m.text}</pre> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </Card>
  );
}
