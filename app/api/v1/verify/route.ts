import { apiRoute } from "@/lib/server/http/route";
import { verifyUploadedArchive } from "@/lib/server/artifacts/verify-archive";

export const dynamic = "force-dynamic";

// Anyone may verify: body = the archive (application/zip), or multipart `file` (+ optional `signature`, the .p7s).
export const POST = apiRoute(async ({ req }) => verifyUploadedArchive(req));
