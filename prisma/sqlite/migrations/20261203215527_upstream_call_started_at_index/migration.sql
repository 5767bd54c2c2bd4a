-- Retention finds the calls older than its cutoff by their time (server/tickets/history.ts).

-- CreateIndex
CREATE INDEX IF NOT EXISTS "UpstreamCall_startedAt_idx" ON "UpstreamCall"("startedAt");
