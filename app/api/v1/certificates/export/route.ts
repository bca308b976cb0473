import { apiRoute } from "@/lib/server/http/route";
import { exportCertificates } from "@/lib/server/certificates/export-certificates";

export const dynamic = "force-dynamic";

/** GET ?format=csv|json plus the list's filters (org, kind, status, pluginId, q, expiresWithinDays, sort, order). */
export const GET = apiRoute(async ({ req, principal }) => {
  const file = await exportCertificates(principal, Object.fromEntries(new URL(req.url).searchParams));
  return new Response(file.body, {
    headers: { "content-type": file.contentType, "content-disposition": `attachment; filename="${file.filename}"`, "cache-control": "no-store" },
  });
});
