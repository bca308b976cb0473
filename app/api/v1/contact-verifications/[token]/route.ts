import { apiRoute } from "@/lib/server/http/route";
import { verifyContactAddress } from "@/lib/server/orgs/contact-verification";

export const dynamic = "force-dynamic";

/** Anyone holding the mailed link; a POST (from the /verify-contact page) so a mail scanner's GET verifies nothing. */
export const POST = apiRoute<{ token: string }>(async ({ params }) => verifyContactAddress(params.token));
