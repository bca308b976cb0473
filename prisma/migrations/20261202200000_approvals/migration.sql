-- approvals: a request that store policy says needs N distinct operators records each approval.
CREATE TABLE "request_approval" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "request_approval_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "request_approval_requestId_userId_key" ON "request_approval"("requestId", "userId");
ALTER TABLE "request_approval" ADD CONSTRAINT "request_approval_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "certificate_request"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Operator invitations reuse the members' invitation table and flow, with role 'operator' and no
-- organization.
ALTER TABLE "invitation" ALTER COLUMN "organizationId" DROP NOT NULL;
