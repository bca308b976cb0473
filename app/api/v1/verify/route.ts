import { apiRoute } from "@/lib/server/http/route";
import { enforceRateLimit, RATE_RULES } from "@/lib/server/http/rate-limit";
import { verifyUploadedArchive } from "@/lib/server/artifacts/verify-archive";

export const dynamic = "force-dynamic";

// Anyone may verify: body = the archive (application/zip), or multipart `file` (+ optional `signature`, the .p7s).
export const POST = apiRoute(async ({ req }) => {
  enforceRateLimit(RATE_RULES.verify, req.headers);
  return verifyUploadedArchive(req);
});
