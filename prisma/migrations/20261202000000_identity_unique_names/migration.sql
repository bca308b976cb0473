-- One organization per name and one active CA per subject, compared as lib/server/orgs/name-key.ts
-- folds them (the application writes the keys; the backfill below approximates that fold for rows
-- written before this migration). An organization's name is frozen once it has a CA.

ALTER TABLE "organization" ADD COLUMN "nameKey" TEXT;
ALTER TABLE "certificate_authority" ADD COLUMN "subjectKey" TEXT;

-- Existing duplicates (the hole this closes) keep the key for the oldest row; the later ones get a
-- key no new name can equal, so the indexes can be built and an operator can sort them out.
UPDATE "organization" o SET "nameKey" = CASE WHEN d.n = 1 THEN d.k ELSE d.k || ' #' || o.id END
FROM (SELECT id, lower(btrim(regexp_replace(normalize("name", NFKC), '\s+', ' ', 'g'))) AS k,
             row_number() OVER (PARTITION BY lower(btrim(regexp_replace(normalize("name", NFKC), '\s+', ' ', 'g'))), "status" = 'rejected' ORDER BY "createdAt", id) AS n
      FROM "organization") d
WHERE d.id = o.id;

UPDATE "certificate_authority" c SET "subjectKey" = CASE WHEN d.n = 1 THEN d.k ELSE d.k || ' #' || c.id END
FROM (SELECT id, lower(btrim(regexp_replace(normalize("subject", NFKC), '\s+', ' ', 'g'))) AS k,
             row_number() OVER (PARTITION BY lower(btrim(regexp_replace(normalize("subject", NFKC), '\s+', ' ', 'g'))), status ORDER BY "createdAt", id) AS n
      FROM "certificate_authority") d
WHERE d.id = c.id;

-- A rejected registration does not hold its name: it has no CA, and the name may be asked for again.
CREATE UNIQUE INDEX "organization_name_key" ON "organization"("nameKey") WHERE "status" <> 'rejected';

CREATE UNIQUE INDEX "certificate_authority_active_subject_key" ON "certificate_authority"("subjectKey") WHERE "status" = 'active';

-- The name is the O= of the organization's CA and of every certificate below it: once a CA exists,
-- changing it would make Signet's records disagree with what it signed. A rename is a new request.
CREATE FUNCTION "organization_name_frozen"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM "certificate_authority" WHERE "orgId" = OLD.id) THEN RAISE EXCEPTION 'organization % has a CA: its name is frozen', OLD.id USING ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER "organization_name_frozen" BEFORE UPDATE OF "name", "nameKey" ON "organization" FOR EACH ROW WHEN (OLD."name" IS DISTINCT FROM NEW."name" OR OLD."nameKey" IS DISTINCT FROM NEW."nameKey") EXECUTE FUNCTION "organization_name_frozen"();
