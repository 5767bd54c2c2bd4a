-- CreateIndex
CREATE INDEX "Credential_consecutiveFailures_idx" ON "Credential"("consecutiveFailures");
