-- CreateIndex
CREATE INDEX "Credential_nextRefreshAt_idx" ON "Credential"("nextRefreshAt");

-- CreateIndex
CREATE INDEX "Credential_updatedAt_idx" ON "Credential"("updatedAt");
