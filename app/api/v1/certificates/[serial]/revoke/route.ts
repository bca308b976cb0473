import { apiRoute, parseJsonBody } from "@/lib/server/http/route";
import { revokeCertificate, revokeInput } from "@/lib/server/certificates/revoke-certificate";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ serial: string }>(async ({ req, principal, params }) => revokeCertificate(principal, params.serial, await parseJsonBody(req, revokeInput)));
