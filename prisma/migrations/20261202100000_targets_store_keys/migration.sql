-- Store targets (FORMATS.md §4–8): which formats the store signs for, and one signing key per format.
ALTER TABLE "artifact" ADD COLUMN "target" TEXT NOT NULL DEFAULT 'jami';
ALTER TABLE "artifact" ADD COLUMN "storeSignature" BYTEA;
ALTER TABLE "artifact" ADD COLUMN "storeKeyIds" TEXT[] DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "organization" ADD COLUMN "grafanaRootUrls" TEXT[] DEFAULT ARRAY[]::TEXT[];

CREATE TABLE "store_target" (
    "target" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "store_target_pkey" PRIMARY KEY ("target")
);

CREATE TABLE "store_key" (
    "id" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "managedKeyId" TEXT NOT NULL,
    "algorithm" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "keyId" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "publicKeySpki" BYTEA NOT NULL,
    "publicKeyFile" TEXT NOT NULL,
    "activatedAt" TIMESTAMP(3),
    "retiredAt" TIMESTAMP(3),
    CONSTRAINT "store_key_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "store_key_status_check" CHECK ("status" IN ('next', 'active', 'retired'))
);

CREATE UNIQUE INDEX "store_key_managedKeyId_key" ON "store_key"("managedKeyId");
CREATE UNIQUE INDEX "store_key_keyId_key" ON "store_key"("keyId");
CREATE UNIQUE INDEX "store_key_fingerprint_key" ON "store_key"("fingerprint");
CREATE INDEX "store_key_target_status_idx" ON "store_key"("target", "status");

ALTER TABLE "store_key" ADD CONSTRAINT "store_key_target_fkey" FOREIGN KEY ("target") REFERENCES "store_target"("target") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "store_key" ADD CONSTRAINT "store_key_managedKeyId_fkey" FOREIGN KEY ("managedKeyId") REFERENCES "managed_key"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
