-- The new indexes are built before the old one goes: the quota ledger is never without one.
-- The builds block writes to "UpstreamCall" until this migration ends, the longer the more history is kept.
-- With a long history, build them beforehand without blocking, and this migration skips them:
--   CREATE INDEX CONCURRENTLY "UpstreamCall_appRef_day_endpoint_idx" ON "UpstreamCall"("appRef", "day", "endpoint");
--   CREATE INDEX CONCURRENTLY "UpstreamCall_endpoint_day_appRef_idx" ON "UpstreamCall"("endpoint", "day", "appRef");
--   CREATE INDEX CONCURRENTLY "UpstreamCall_errorClass_day_appRef_idx" ON "UpstreamCall"("errorClass", "day", "appRef");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "UpstreamCall_appRef_day_endpoint_idx" ON "UpstreamCall"("appRef", "day", "endpoint");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "UpstreamCall_endpoint_day_appRef_idx" ON "UpstreamCall"("endpoint", "day", "appRef");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "UpstreamCall_errorClass_day_appRef_idx" ON "UpstreamCall"("errorClass", "day", "appRef");

-- DropIndex
DROP INDEX "UpstreamCall_appRef_endpoint_day_idx";
