import { apiRoute } from "@/lib/server/http/route";
import { checkpointAuditHead, getAuditCheckpoint } from "@/lib/server/audit/audit-checkpoint";

export const dynamic = "force-dynamic";

// Anyone: a checkpoint reveals only the chain's length and head hash, and is worth something only to
// whoever saves it outside the database. `?seq=N` answers the stored checkpoint taken at event N.
export const GET = apiRoute(async ({ req }) => {
  const seq = new URL(req.url).searchParams.get("seq");
  return seq === null ? checkpointAuditHead() : getAuditCheckpoint(seq);
});
