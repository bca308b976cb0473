import { apiRoute, json, parseJsonBody } from "@/lib/server/http/route";
import { revokeCertificate, revokeInput } from "@/lib/server/certificates/revoke-certificate";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ serial: string }>(async ({ req, principal, params }) => {
  const result = await revokeCertificate(principal, params.serial, await parseJsonBody(req, revokeInput));
  // Recorded, but more operators must approve before the org CA is revoked.
  if ("pendingRevocation" in result) return json(result, { status: 202 });
  return result;
});
