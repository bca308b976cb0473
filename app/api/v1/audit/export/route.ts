import { apiRoute } from "@/lib/server/http/route";
import { exportAuditEvents } from "@/lib/server/audit/export-audit-events";

export const dynamic = "force-dynamic";

/** GET ?format=csv|json plus the audit list's filters (actor, org, action, outcome, subject, from, to); streamed. */
export const GET = apiRoute(async ({ req, principal }) => {
  const file = await exportAuditEvents(principal, Object.fromEntries(new URL(req.url).searchParams));
  return new Response(file.body, {
    headers: { "content-type": file.contentType, "content-disposition": `attachment; filename="${file.filename}"`, "cache-control": "no-store" },
  });
});
