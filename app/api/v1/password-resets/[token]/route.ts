import { apiRoute, parseJsonBody } from "@/lib/server/http/route";
import { enforceSharedRateLimit, RATE_RULES } from "@/lib/server/http/rate-limit";
import { passwordResetInput, resetPassword } from "@/lib/server/auth/password-reset";

export const dynamic = "force-dynamic";

/** Whoever holds the mailed link sets the new password (the link is the credential). */
export const POST = apiRoute<{ token: string }>(async ({ req, params }) => {
  await enforceSharedRateLimit(RATE_RULES.passwordReset, req.headers);
  return resetPassword(params.token, await parseJsonBody(req, passwordResetInput));
});
