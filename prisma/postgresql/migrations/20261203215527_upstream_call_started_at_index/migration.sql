-- Retention finds the calls older than its cutoff by their time (server/tickets/history.ts).
-- The build blocks writes to "UpstreamCall" until this migration ends, the longer the more history is kept.
-- With a long history, build it beforehand without blocking, and this migration skips it:
--   CREATE INDEX CONCURRENTLY "UpstreamCall_startedAt_idx" ON "UpstreamCall"("startedAt");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "UpstreamCall_startedAt_idx" ON "UpstreamCall"("startedAt");
