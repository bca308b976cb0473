import type { FileState, VerificationReport } from "@/lib/client/artifacts";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Card } from "../ui/card";

const FILE_TONE: Record<FileState, "green" | "red" | "amber"> = { valid: "green", modified: "red", invalid: "red", unsigned: "amber" };
const CHAIN_TONE: Record<string, "green" | "red" | "amber" | "slate" | "blue"> = { good: "green", revoked: "red", unknown: "amber", unchecked: "slate", "trusted-root": "blue" };

// Very large plugins list thousands of entries: problems first, then a bounded number of rows.
const MAX_ROWS = 2000;
const ORDER: Record<FileState, number> = { modified: 0, unsigned: 1, invalid: 2, valid: 3 };

export function VerificationResult({ report }: { report: VerificationReport }) {
  const rows = [...report.files].sort((a, b) => ORDER[a.state] - ORDER[b.state]).slice(0, MAX_ROWS);
  const counts = report.files.reduce<Record<string, number>>((acc, f) => ({ ...acc, [f.state]: (acc[f.state] ?? 0) + 1 }), {});
  return (
    <div className="space-y-6" data-testid="verification-result">
      <Alert tone={report.valid ? "success" : "error"}>
        <p className="text-base font-semibold">{report.valid ? "Valid: every file is signed, the chain is trusted and nothing is revoked." : "Not valid."}</p>
        <p className="mt-1">
          <span className="font-mono">{report.pluginId}</span> {report.version} · {report.files.length} files ({Object.entries(counts).map(([state, n]) => `${n} ${state}`).join(", ")})
        </p>
        <p className="mt-1 break-all font-mono text-xs">sha256 {report.sha256}</p>
        {report.problems.length ? (
          <ul className="mt-2 list-disc space-y-0.5 pl-5">
            {report.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : null}
      </Alert>
      <Card title="Certificate chain" description={report.chainTrusted ? "Leads to a root this store trusts." : "Does not lead to a root this store trusts."}>
        <ol className="space-y-3 text-sm">
          {report.chain.map((c, i) => (
            <li key={c.serial + i} className="flex flex-wrap items-start gap-3">
              <Badge tone={CHAIN_TONE[c.status] ?? "slate"}>{c.status}</Badge>
              <div>
                <p className="font-medium">{c.subject}</p>
                <p className="font-mono text-xs text-slate-500">serial {c.serial} · valid until {new Date(c.notAfter).toLocaleDateString()}</p>
                {c.revocation ? <p className="text-xs text-red-700 dark:text-red-300">revoked{c.revocation.reason ? `: ${c.revocation.reason}` : ""}{c.revocation.revokedAt ? ` at ${new Date(c.revocation.revokedAt).toLocaleString()}` : ""}</p> : null}
                {c.detail ? <p className="text-xs text-slate-500">{c.detail}</p> : null}
              </div>
            </li>
          ))}
          {report.chain.length === 0 ? <li className="text-slate-500">No certificate chain in the archive.</li> : null}
        </ol>
        <p className="mt-4 text-sm">
          Artifact:{" "}
          {report.artifactRevoked ? (
            <>
              <Badge tone="red">revoked</Badge> {report.artifactRevocation?.reason}
            </>
          ) : (
            <Badge tone="green">not revoked</Badge>
          )}
          {report.store ? (
            <>
              {" "}· {({ mattermost: "Mattermost signature", grafana: "Grafana MANIFEST.txt", dify: "Dify signature", mender: "Mender manifest.sig" } as Record<string, string>)[report.target ?? ""] ?? "Store signature"}:{" "}
              <Badge tone={report.store.valid ? "green" : "red"}>{report.store.valid ? `valid (key ${report.store.keyIds.join(", ")})` : "invalid"}</Badge>
            </>
          ) : null}
          {report.cms ? (
            <>
              {" "}· Detached signature: <Badge tone={report.cms.valid ? "green" : "red"}>{report.cms.valid ? "valid" : "invalid"}</Badge>
            </>
          ) : null}
        </p>
      </Card>
      <Card title="Files">
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label="Files and their signature states">
            <thead className="text-xs text-slate-500 uppercase">
              <tr>
                <th className="py-2 pr-4">State</th>
                <th className="py-2">Path</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {rows.map((f) => (
                <tr key={f.path}>
                  <td className="py-1.5 pr-4"><Badge tone={FILE_TONE[f.state]}>{f.state}</Badge></td>
                  <td className="py-1.5 font-mono text-xs">
                    {f.path}
                    {f.detail && f.state !== "valid" ? <span className="ml-2 font-sans text-slate-500">({f.detail})</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.files.length > rows.length ? <p className="mt-2 text-xs text-slate-500">… and {report.files.length - rows.length} more files.</p> : null}
        </div>
      </Card>
    </div>
  );
}
