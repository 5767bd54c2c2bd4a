-- CreateTable
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "openKey" TEXT,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "appRef" TEXT,
    "credentialId" TEXT,
    "message" TEXT NOT NULL,
    "openedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" DATETIME,
    "firingSentAt" DATETIME,
    "resolvedSentAt" DATETIME,
    "lastDeliveryError" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "Alert_openKey_key" ON "Alert"("openKey");

-- CreateIndex
CREATE INDEX "Alert_openedAt_idx" ON "Alert"("openedAt");
