-- AlterTable
ALTER TABLE "artifact" ADD COLUMN "revokedById" TEXT;

-- CreateIndex
CREATE INDEX "artifact_sha256_idx" ON "artifact"("sha256");
