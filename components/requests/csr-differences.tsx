"use client";

import type { WillIssue } from "@/lib/client/types";

const OUTCOME = { same: "same in the certificate", replaced: "ignored: the profile writes", dropped: "ignored: not in the certificate" } as const;

/**
 * The CSR beside the certificate Signet will write (from the server's willIssue, which the
 * profile's own code computes): every subject attribute and requested extension, marked kept or
 * ignored, the ignored ones highlighted.
 */
export function CsrDifferences({ willIssue, headingLevel = 3 }: { willIssue: WillIssue; headingLevel?: 3 | 4 }) {
  const csr = willIssue.fromCsr;
  const H = `h${headingLevel}` as const;
  return (
    <section aria-label="Differences from the CSR" className="space-y-3 rounded-lg border border-amber-300 p-4 text-sm dark:border-amber-700" data-testid="csr-differences">
      <H className="font-semibold">The certificate will be named</H>
      <p className="font-mono text-xs wrap-anywhere" data-testid="issued-subject">{willIssue.subject}</p>
      {csr ? (
        <>
          <H className="font-semibold">Your CSR, part by part</H>
          <ul className="space-y-1">
            {csr.subjectAttributes.map((a, i) => (
              <li key={`a${i}`} className={`flex flex-wrap gap-x-2 rounded px-2 py-1 ${a.kept ? "" : "bg-amber-100 dark:bg-amber-950"}`} data-kept={a.kept}>
                <span className="font-mono text-xs wrap-anywhere">{a.type}={a.value}</span>
                <span className="text-xs font-semibold">{a.kept ? "kept" : "ignored: Signet names the certificate"}</span>
              </li>
            ))}
            {csr.extensions.map((e, i) => (
              <li key={`e${i}`} className={`flex flex-wrap gap-x-2 rounded px-2 py-1 ${e.outcome === "same" ? "" : "bg-amber-100 dark:bg-amber-950"}`} data-outcome={e.outcome}>
                <span className="wrap-anywhere">
                  {e.name}
                  {e.critical ? " (critical)" : ""}: {e.summary}
                </span>
                <span className="text-xs font-semibold">
                  {OUTCOME[e.outcome]}
                  {e.issuedAs ? ` ${e.issuedAs}` : ""}
                </span>
              </li>
            ))}
          </ul>
          {willIssue.ignoredFromCsr.length === 0 ? <p>Nothing in the CSR is ignored.</p> : <p>{willIssue.ignoredFromCsr.length === 1 ? "One part" : `${willIssue.ignoredFromCsr.length} parts`} of the CSR will not be in the certificate; only its public key is certified.</p>}
        </>
      ) : null}
    </section>
  );
}
