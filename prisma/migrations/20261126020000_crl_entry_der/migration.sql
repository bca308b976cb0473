-- AlterTable
ALTER TABLE "revocation" ADD COLUMN "crlEntry" BYTEA;

-- DropIndex
DROP INDEX "revocation_issuerCaId_revokedAt_idx";

-- CreateIndex
CREATE INDEX "revocation_issuerCaId_id_idx" ON "revocation"("issuerCaId", "id");
