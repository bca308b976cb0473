// Background work of the audit log: a signed checkpoint of the head every SIGNET_AUDIT_CHECKPOINT_MINUTES
// when it has moved (checkpointAuditHead adds nothing otherwise), and the counts of suppressed denials.
import { env } from "../../env";
import { registerJob } from "../startup/background-jobs";
import { checkpointAuditHead } from "./audit-checkpoint";
import { flushSuppressedDenials } from "./record-denial";

export function registerAuditWork(): void {
  registerJob({
    name: "audit-checkpoint",
    everyMs: env().auditCheckpointMinutes * 60_000,
    run: async () => {
      await flushSuppressedDenials();
      await checkpointAuditHead().catch((err: unknown) => {
        if ((err as { code?: string }).code !== "not_found") throw err; // an empty log has nothing to sign
      });
    },
  });
}
