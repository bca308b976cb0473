import { apiRoute } from "@/lib/server/http/route";
import { artifactStatusBySha256 } from "@/lib/server/artifacts/verify-archive";
import { AppError } from "@/lib/server/errors";

export const dynamic = "force-dynamic";

// Public, for `signet verify`: whether the store revoked the artifact with this SHA-256.
export const GET = apiRoute<{ sha256: string }>(async ({ params }) => {
  const sha256 = params.sha256.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError("bad_request", "Give the archive's SHA-256 as 64 hex digits");
  const status = await artifactStatusBySha256(sha256);
  return { sha256, known: status !== null, revoked: status?.revoked ?? false, reason: status?.reason ?? null, revokedAt: status?.revokedAt ?? null };
});
