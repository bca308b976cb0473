-- Keyset pagination of the console's lists (lib/server/http/keyset-page.ts): each sort column with the
-- id as tiebreak, and the common filter in front where a list is usually filtered by it.
CREATE INDEX "organization_createdAt_id_idx" ON "organization"("createdAt", "id");
CREATE INDEX "organization_name_id_idx" ON "organization"("name", "id");
CREATE INDEX "certificate_request_createdAt_id_idx" ON "certificate_request"("createdAt", "id");
CREATE INDEX "certificate_request_status_createdAt_id_idx" ON "certificate_request"("status", "createdAt", "id");
CREATE INDEX "certificate_request_orgId_createdAt_id_idx" ON "certificate_request"("orgId", "createdAt", "id");
CREATE INDEX "certificate_createdAt_id_idx" ON "certificate"("createdAt", "id");
CREATE INDEX "certificate_notAfter_id_idx" ON "certificate"("notAfter", "id");
CREATE INDEX "certificate_notBefore_id_idx" ON "certificate"("notBefore", "id");
CREATE INDEX "certificate_subject_id_idx" ON "certificate"("subject", "id");
CREATE INDEX "certificate_orgId_createdAt_id_idx" ON "certificate"("orgId", "createdAt", "id");
-- text_pattern_ops: a serial prefix (LIKE 'ab12%') uses it whatever the database collation.
CREATE INDEX "certificate_serialHex_idx" ON "certificate"("serialHex" text_pattern_ops);
CREATE INDEX "certificate_fingerprintSha256_idx" ON "certificate"("fingerprintSha256" text_pattern_ops);
CREATE INDEX "certificate_pluginId_idx" ON "certificate"("pluginId");
CREATE INDEX "artifact_orgId_createdAt_id_idx" ON "artifact"("orgId", "createdAt", "id");
-- The audit log's "about this serial / plugin / organization" filter.
CREATE INDEX "audit_event_subjectId_idx" ON "audit_event"("subjectId");
