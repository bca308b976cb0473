import { apiRoute, json, parseJsonBody } from "@/lib/server/http/route";
import { enforceSharedRateLimit, RATE_RULES } from "@/lib/server/http/rate-limit";
import { passwordResetRequestInput, requestPasswordReset } from "@/lib/server/auth/password-reset";

export const dynamic = "force-dynamic";

/** Anyone may ask; the answer is the same whether or not the address has an account. */
export const POST = apiRoute(async ({ req }) => {
  await enforceSharedRateLimit(RATE_RULES.passwordReset, req.headers);
  return json(await requestPasswordReset(await parseJsonBody(req, passwordResetRequestInput)), { status: 202 });
});
