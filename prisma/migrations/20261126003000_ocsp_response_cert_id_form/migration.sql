-- A stored OCSP response echoes the CertID it answers, so it is kept per CertID form
-- (hash algorithm and parameter encoding) rather than per serial.
ALTER TABLE "ocsp_response" ADD COLUMN "certIdForm" TEXT NOT NULL DEFAULT 'sha1';

ALTER TABLE "ocsp_response" DROP CONSTRAINT "ocsp_response_pkey",
ADD CONSTRAINT "ocsp_response_pkey" PRIMARY KEY ("caId", "serialHex", "certIdForm");
