"use client";

// Beside the request queue, for operators: org CA revocations waiting for more operators, with who
// approved and what is missing. Each opens the CA's page, where another operator approves it.
import Link from "next/link";
import { isoMinute } from "@/lib/client/format";
import { usePendingRevocations } from "@/lib/client/hooks";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Card } from "../ui/card";

export function PendingRevocations() {
  const { data, error } = usePendingRevocations(true);
  if (!error && (!data || data.length === 0)) return null;
  return (
    <Card title="Organization CA revocations awaiting approval" description="Store policy asks for more than one operator; the last approval revokes.">
      {error ? <Alert>{error.message}</Alert> : null}
      <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Pending revocations">
        {data?.map((p) => {
          const missing = Math.max(p.approvals.need - p.approvals.have, 0);
          return (
            <li key={p.id} className="py-3 text-sm">
              <Link href={`/certificates/${p.serial}`} className="font-medium text-brand-700 hover:underline dark:text-brand-300 wrap-anywhere">{p.subject}</Link>{" "}
              <Badge tone="amber">{p.approvals.have} of {p.approvals.need} approvals</Badge>
              <span className="block text-xs text-slate-600 dark:text-slate-400">
                {p.reason} · proposed by {p.requestedBy} on {isoMinute(p.createdAt)} · approved by {p.approvals.by.map((a) => a.email).join(", ") || "nobody yet"} · {missing === 1 ? "one more operator needed" : `${missing} more operators needed`}
              </span>
            </li>
          );
        })}
      </ul>
    </Card>
  );
}
