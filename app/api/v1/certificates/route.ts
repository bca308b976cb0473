import { apiRoute } from "@/lib/server/http/route";
import { listCertificates } from "@/lib/server/certificates/list-certificates";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ req, principal }) => listCertificates(principal, Object.fromEntries(new URL(req.url).searchParams)));
