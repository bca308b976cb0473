-- Teams: verified contact addresses, hashed invitation tokens, and the mail outbox.

ALTER TABLE "organization" ADD COLUMN "contactVerifiedAt" TIMESTAMP(3);
-- Organizations registered before addresses were verified keep being approvable: nobody could
-- have mailed them a link.
UPDATE "organization" SET "contactVerifiedAt" = CURRENT_TIMESTAMP;

ALTER TABLE "invitation" ADD COLUMN "tokenHash" TEXT;
ALTER TABLE "invitation" ADD COLUMN "acceptedAt" TIMESTAMP(3);
ALTER TABLE "invitation" ADD COLUMN "acceptedById" TEXT;
CREATE UNIQUE INDEX "invitation_tokenHash_key" ON "invitation"("tokenHash");
CREATE INDEX "invitation_organizationId_status_idx" ON "invitation"("organizationId", "status");

CREATE TABLE "mail_message" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "orgId" TEXT,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "lockedUntil" TIMESTAMP(3),
    "lastAttemptAt" TIMESTAMP(3),
    "lastError" TEXT,
    "deliveredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mail_message_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "mail_message_status_nextAttemptAt_idx" ON "mail_message"("status", "nextAttemptAt");
