import { apiRoute } from "@/lib/server/http/route";
import { withdrawPendingRevocation } from "@/lib/server/certificates/pending-revocations";

export const dynamic = "force-dynamic";

export const DELETE = apiRoute<{ id: string }>(async ({ principal, params }) => withdrawPendingRevocation(principal, params.id));
