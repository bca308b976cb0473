"use client";

// The latest signed checkpoint of the chain head. Its worth is in copies kept OUTSIDE the database:
// `signet audit verify --checkpoint FILE` later proves the chain still extends a saved one.
import { useAuditCheckpoint } from "@/lib/client/audit-hooks";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { useToast } from "../ui/toast";

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  a.click();
  URL.revokeObjectURL(url);
}

export function AuditCheckpointPanel() {
  const { data, error, isFetching, refetch } = useAuditCheckpoint();
  const toast = useToast();
  const cp = data?.checkpoint;
  const text = cp ? `${JSON.stringify(cp, null, 2)}\n` : "";
  return (
    <Card
      title="Checkpoints"
      description="A signature over the chain head by a key derived from the master key, which the database does not hold. Save checkpoints somewhere else: with one, anyone holding the public key can detect a deleted newest event or a rewritten history, which the hash chain alone cannot."
    >
      <div className="space-y-3" data-testid="audit-checkpoint">
        {error ? <Alert>{error.message}</Alert> : null}
        {cp ? (
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-500">Event</dt>
            <dd className="font-mono">#{cp.seq}</dd>
            <dt className="text-slate-500">Head hash</dt>
            <dd className="font-mono text-xs break-all">{cp.headHash}</dd>
            <dt className="text-slate-500">Signed</dt>
            <dd>{cp.time}</dd>
            <dt className="text-slate-500">Key</dt>
            <dd className="font-mono text-xs">{cp.keyId} ({data?.key.algorithm})</dd>
          </dl>
        ) : null}
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" disabled={isFetching} onClick={() => void refetch()}>{isFetching ? "Signing…" : "Checkpoint now"}</Button>
          <Button
            variant="secondary"
            disabled={!cp}
            onClick={async () => {
              await navigator.clipboard.writeText(text);
              toast("Checkpoint copied to the clipboard");
            }}
          >
            Copy
          </Button>
          <Button variant="secondary" disabled={!cp} onClick={() => cp && download(`signet-audit-checkpoint-${cp.seq}.json`, text, "application/json")}>Download</Button>
          <Button variant="secondary" disabled={!data} onClick={() => data && download(`signet-audit-checkpoint-key-${data.key.keyId}.pem`, data.key.publicKeyPem, "application/x-pem-file")}>Public key</Button>
        </div>
        <p className="text-xs text-slate-500">
          Verify later: <code>signet audit verify --checkpoint signet-audit-checkpoint-{cp?.seq ?? "N"}.json --key signet-audit-checkpoint-key.pem</code>
        </p>
      </div>
    </Card>
  );
}
