-- audit (issue 10 item 6): signed checkpoints of the audit chain head.
CREATE TABLE "audit_checkpoint" (
    "seq" BIGINT NOT NULL,
    "headHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "keyId" TEXT NOT NULL,
    "signature" TEXT NOT NULL,

    CONSTRAINT "audit_checkpoint_pkey" PRIMARY KEY ("seq")
);
