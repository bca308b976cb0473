import { apiRoute } from "@/lib/server/http/route";
import { listPendingRevocations } from "@/lib/server/certificates/pending-revocations";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ principal }) => listPendingRevocations(principal));
