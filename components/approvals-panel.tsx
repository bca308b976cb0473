import type { Approvals } from "@/lib/client/types";

/**
 * Who approved, and how many more distinct operators the store policy needs: shown on a pending
 * org CA request and on a pending org CA revocation (`lastDoes`: what the last approval does).
 */
export function ApprovalsPanel({ approvals, lastDoes }: { approvals: Approvals; lastDoes: string }) {
  const missing = Math.max(approvals.need - approvals.have, 0);
  return (
    <section aria-label="Approvals" className="rounded-lg border border-slate-200 p-4 text-sm dark:border-slate-700">
      <h3 className="mb-2 font-semibold">
        Approvals: {approvals.have} of {approvals.need}
      </h3>
      {approvals.by.length ? (
        <ul className="list-disc pl-4">
          {approvals.by.map((a) => (
            <li key={a.email}>
              {a.email} · {new Date(a.at).toLocaleString()}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-slate-500">No operator has approved yet.</p>
      )}
      {missing > 0 ? <p className="mt-2 text-slate-600 dark:text-slate-300">{missing === 1 ? "One more operator must approve" : `${missing} more operators must approve`}; the last approval {lastDoes}.</p> : null}
    </section>
  );
}
