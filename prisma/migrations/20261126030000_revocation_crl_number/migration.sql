-- AlterTable
ALTER TABLE "revocation" ADD COLUMN "crlNumber" BIGINT;

-- CreateIndex
CREATE INDEX "revocation_issuerCaId_crlNumber_idx" ON "revocation"("issuerCaId", "crlNumber");
