import { apiRoute } from "@/lib/server/http/route";
import { pageResponse } from "@/lib/server/http/keyset-page";
import { listCertificates } from "@/lib/server/certificates/list-certificates";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ req, principal }) => pageResponse(req, await listCertificates(principal, Object.fromEntries(new URL(req.url).searchParams))));
