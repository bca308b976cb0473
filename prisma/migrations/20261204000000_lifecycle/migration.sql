-- lifecycle: withdrawn requests, renewals, org CA rollover, suspension, organization-scoped webhooks.

-- A requester may withdraw a pending request: it is then decided by no one and issues nothing.
ALTER TYPE "RequestStatus" ADD VALUE IF NOT EXISTS 'withdrawn';

-- A renewal is a request that names the certificate it renews; newKey asks for a new hosted key.
ALTER TABLE "certificate_request" ADD COLUMN "renewsCertificateId" TEXT;
ALTER TABLE "certificate_request" ADD COLUMN "newKey" BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX "certificate_request_renewsCertificateId_idx" ON "certificate_request"("renewsCertificateId");

-- An org CA rolled over to a new key: still active (its certificates, CRL and OCSP stay valid), but
-- it issues nothing new. The one-active-CA-per-subject rule applies to the CAs that still issue,
-- so a rollover's new CA may keep the organization's name.
ALTER TABLE "certificate_authority" ADD COLUMN "supersededAt" TIMESTAMP(3);
DROP INDEX "certificate_authority_active_subject_key";
CREATE UNIQUE INDEX "certificate_authority_active_subject_key" ON "certificate_authority"("subjectKey") WHERE "status" = 'active' AND "supersededAt" IS NULL;

-- A suspended organization: when and why (its status is 'suspended').
ALTER TABLE "organization" ADD COLUMN "suspendedAt" TIMESTAMP(3);
ALTER TABLE "organization" ADD COLUMN "suspensionReason" TEXT;

-- A webhook an organization's admins registered: it receives that organization's events only.
ALTER TABLE "webhook" ADD COLUMN "orgId" TEXT;
CREATE INDEX "webhook_orgId_idx" ON "webhook"("orgId");
