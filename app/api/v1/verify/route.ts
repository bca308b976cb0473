import { apiRoute } from "@/lib/server/http/route";
import { enforceSharedRateLimit, RATE_RULES } from "@/lib/server/http/rate-limit";
import { verifyUploadedArchive } from "@/lib/server/artifacts/verify-archive";

export const dynamic = "force-dynamic";

// Anyone may verify: body = the archive (application/zip), or multipart `file` (+ optional `signature`, the .p7s).
export const POST = apiRoute(async ({ req }) => {
  await enforceSharedRateLimit(RATE_RULES.verify, req.headers);
  return verifyUploadedArchive(req);
});
