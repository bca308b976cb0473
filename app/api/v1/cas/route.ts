import { listCas } from "@/lib/server/cas/list-cas";
import { apiRoute } from "@/lib/server/http/route";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async () => listCas());
