import { apiRoute, json } from "@/lib/server/http/route";
import { sendPasswordResetFor } from "@/lib/server/auth/password-reset";

export const dynamic = "force-dynamic";

/** An operator sends the account a single-use reset link (by mail, or to the outbox without SMTP). */
export const POST = apiRoute<{ id: string }>(async ({ principal, params }) => json(await sendPasswordResetFor(principal, params.id), { status: 202 }));
