-- Many instances on one PostgreSQL (issue 12): artifact bytes in the database, single-runner job
-- leases and shared rate-limit counters.
ALTER TABLE "artifact" ADD COLUMN "storage" TEXT NOT NULL DEFAULT 'file';

CREATE TABLE "artifact_chunk" (
    "artifactId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "artifact_chunk_pkey" PRIMARY KEY ("artifactId", "seq")
);
-- Rows of at most 8000 bytes, kept in the table's own pages: no TOAST lookups on reading, and no
-- compression attempt on archives, which are compressed already.
ALTER TABLE "artifact_chunk" ALTER COLUMN "data" SET STORAGE PLAIN;

CREATE TABLE "job_lease" (
    "name" TEXT NOT NULL,
    "holder" TEXT,
    "lastStartedAt" TIMESTAMP(3),
    "runningUntil" TIMESTAMP(3),
    "runs" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "job_lease_pkey" PRIMARY KEY ("name")
);

CREATE TABLE "rate_window" (
    "key" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL,
    CONSTRAINT "rate_window_pkey" PRIMARY KEY ("key")
);
CREATE INDEX "rate_window_windowStart_idx" ON "rate_window"("windowStart");
