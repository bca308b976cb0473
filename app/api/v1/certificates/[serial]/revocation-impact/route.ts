import { apiRoute } from "@/lib/server/http/route";
import { getRevocationImpact } from "@/lib/server/certificates/revocation-impact";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ serial: string }>(async ({ principal, params }) => getRevocationImpact(principal, params.serial));
