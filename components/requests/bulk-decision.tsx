"use client";

// Deciding several selected requests at once. The server decides each through the one workflow and
// answers per request; this shows every answer next to the request it belongs to.
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { useDecideRequests, type BulkResult } from "@/lib/client/hooks";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { TextInput } from "../ui/field";

const LINK = "font-medium text-brand-700 hover:underline dark:text-brand-300";

export function BulkDecision({ selected, names, onDone }: { selected: string[]; names: Map<string, string>; onDone: () => void }) {
  const decide = useDecideRequests();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState("");
  const [results, setResults] = useState<{ decision: string; items: BulkResult[] }>();

  async function run(decision: "approve" | "reject") {
    const answer = await decide.mutateAsync({ ids: selected, decision, reason: reason.trim() });
    setResults({ decision, items: answer.results });
    setRejecting(false);
    setReason("");
    onDone();
  }
  function onReject(e: FormEvent) {
    e.preventDefault();
    void run("reject").catch(() => {});
  }

  return (
    <div className="mb-3 space-y-3" data-testid="bulk-decision">
      {selected.length ? (
        <div className="flex flex-wrap items-center gap-2 rounded-md bg-slate-50 p-2 text-sm dark:bg-slate-800">
          <span className="font-medium">{selected.length} selected</span>
          <Button onClick={() => void run("approve").catch(() => {})} disabled={decide.isPending}>Approve selected</Button>
          <Button variant="secondary" onClick={() => setRejecting(!rejecting)} disabled={decide.isPending}>Reject selected…</Button>
        </div>
      ) : null}
      {rejecting && selected.length ? (
        <form onSubmit={onReject} className="flex flex-wrap items-end gap-2" aria-label="Reject the selected requests">
          <div className="grow">
            <label htmlFor="bulk-reason" className="block text-xs font-medium text-slate-600 dark:text-slate-300">Reason sent to each organization</label>
            <TextInput id="bulk-reason" required minLength={3} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} className="mt-1" />
          </div>
          <Button type="submit" variant="danger" disabled={decide.isPending}>Reject {selected.length}</Button>
        </form>
      ) : null}
      {decide.error ? <Alert>{decide.error.message}</Alert> : null}
      {results ? (
        <div role="status" aria-label="Results of the bulk decision">
          <p className="text-sm font-medium">
            {results.items.filter((r) => r.ok).length} of {results.items.length} {results.decision === "approve" ? "approved" : "rejected"}
          </p>
          <ul className="mt-1 space-y-1 text-sm" data-testid="bulk-results">
            {results.items.map((r) => (
              <li key={r.id} className="wrap-anywhere">
                <span className="font-medium">{names.get(r.id) ?? r.id}</span>
                {": "}
                {r.ok ? (
                  r.status === "approved" && r.certificateSerial ? (
                    <>approved, <Link className={LINK} href={`/certificates/${r.certificateSerial}`}>certificate issued</Link></>
                  ) : r.status === "pending" && r.approvals ? (
                    `approval recorded (${r.approvals.have} of ${r.approvals.need})`
                  ) : (
                    r.status
                  )
                ) : (
                  <span className="text-red-700 dark:text-red-300">not decided — {r.problem.detail}</span>
                )}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
