import { apiRoute, json, parseJsonBody } from "@/lib/server/http/route";
import { renewCertificate, renewInput } from "@/lib/server/certificates/renew-certificate";

export const dynamic = "force-dynamic";

/** 200 with the new certificate when the caller could approve it; 202 with the pending request otherwise. */
export const POST = apiRoute<{ serial: string }>(async ({ req, principal, params }) => {
  const result = await renewCertificate(principal, params.serial, await parseJsonBody(req, renewInput));
  return json(result, { status: "pending" in result ? 202 : 200 });
});
