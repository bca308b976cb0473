-- external: the delegated OCSP responder key Signet holds for an external-key CA until the
-- organization uploads the certificate it signed for it.
ALTER TABLE "certificate_authority" ADD COLUMN "pendingResponderKeyId" TEXT;
