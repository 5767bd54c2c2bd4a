-- DropIndex
DROP INDEX "UpstreamCall_appRef_endpoint_day_idx";

-- CreateIndex
CREATE INDEX "UpstreamCall_appRef_day_endpoint_idx" ON "UpstreamCall"("appRef", "day", "endpoint");

-- CreateIndex
CREATE INDEX "UpstreamCall_endpoint_day_appRef_idx" ON "UpstreamCall"("endpoint", "day", "appRef");

-- CreateIndex
CREATE INDEX "UpstreamCall_errorClass_day_appRef_idx" ON "UpstreamCall"("errorClass", "day", "appRef");
