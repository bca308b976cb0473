import { apiRoute } from "@/lib/server/http/route";
import { resendContactVerification } from "@/lib/server/orgs/contact-verification";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ slug: string }>(async ({ principal, params }) => resendContactVerification(principal, params.slug));
