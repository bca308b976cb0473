import { apiRoute } from "@/lib/server/http/route";
import { getTrustDocument } from "@/lib/server/targets/trust";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async () => getTrustDocument());
