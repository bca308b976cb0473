-- orgCaRevocationApprovals: an org CA revocation that store policy says needs N distinct operators
-- waits as a pending revocation; each operator's approval is a request_approval row pointing at it.
CREATE TYPE "PendingRevocationStatus" AS ENUM ('pending', 'revoked', 'withdrawn');

CREATE TABLE "pending_revocation" (
    "id" TEXT NOT NULL,
    "certificateId" TEXT NOT NULL,
    "reason" "RevocationReason" NOT NULL,
    "invalidityDate" TIMESTAMP(3),
    "status" "PendingRevocationStatus" NOT NULL DEFAULT 'pending',
    "requestedById" TEXT NOT NULL,
    "requestedByEmail" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMP(3),

    CONSTRAINT "pending_revocation_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "pending_revocation_status_idx" ON "pending_revocation"("status");
-- At most one pending revocation per certificate.
CREATE UNIQUE INDEX "pending_revocation_one_pending" ON "pending_revocation"("certificateId") WHERE "status" = 'pending';
ALTER TABLE "pending_revocation" ADD CONSTRAINT "pending_revocation_certificateId_fkey" FOREIGN KEY ("certificateId") REFERENCES "certificate"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "request_approval" ALTER COLUMN "requestId" DROP NOT NULL;
ALTER TABLE "request_approval" ADD COLUMN "revocationId" TEXT;
CREATE UNIQUE INDEX "request_approval_revocationId_userId_key" ON "request_approval"("revocationId", "userId");
ALTER TABLE "request_approval" ADD CONSTRAINT "request_approval_revocationId_fkey" FOREIGN KEY ("revocationId") REFERENCES "pending_revocation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "request_approval" ADD CONSTRAINT "request_approval_one_subject" CHECK (("requestId" IS NULL) <> ("revocationId" IS NULL));
