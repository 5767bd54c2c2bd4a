-- CreateIndex
CREATE INDEX "Credential_generation_idx" ON "Credential"("generation");

-- CreateIndex
CREATE INDEX "VendorApp_updatedAt_idx" ON "VendorApp"("updatedAt");

-- CreateIndex
CREATE INDEX "VendorApp_revision_idx" ON "VendorApp"("revision");
