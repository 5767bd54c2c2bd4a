-- Retention finds the versions that ended before its cutoff by their expiry (server/tickets/history.ts).
-- The build blocks writes to "CredentialVersion" until this migration ends, the longer the more history is kept.
-- With a long history, build it beforehand without blocking, and this migration skips it:
--   CREATE INDEX CONCURRENTLY "CredentialVersion_expiresAt_id_idx" ON "CredentialVersion"("expiresAt", "id");
-- A concurrent build that failed leaves an invalid index of that name, which this migration would
-- then skip: check that SELECT indisvalid FROM pg_index WHERE indexrelid = '"CredentialVersion_expiresAt_id_idx"'::regclass
-- says true, and DROP INDEX it otherwise before migrating.

-- CreateIndex
CREATE INDEX IF NOT EXISTS "CredentialVersion_expiresAt_id_idx" ON "CredentialVersion"("expiresAt", "id");
