-- Retention finds the calls older than its cutoff by their time (server/tickets/history.ts).
-- The build blocks writes to "UpstreamCall" until this migration ends, the longer the more history is kept.
-- With a long history, build it beforehand without blocking, and this migration skips it:
--   CREATE INDEX CONCURRENTLY "UpstreamCall_startedAt_idx" ON "UpstreamCall"("startedAt");
-- A concurrent build that failed leaves an invalid index of that name, which this migration would
-- then skip: check that SELECT indisvalid FROM pg_index WHERE indexrelid = '"UpstreamCall_startedAt_idx"'::regclass
-- says true, and DROP INDEX it otherwise before migrating.

-- CreateIndex
CREATE INDEX IF NOT EXISTS "UpstreamCall_startedAt_idx" ON "UpstreamCall"("startedAt");
