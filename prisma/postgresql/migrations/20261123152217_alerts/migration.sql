-- CreateTable
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL,
    "openKey" TEXT,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "appRef" TEXT,
    "credentialId" TEXT,
    "message" TEXT NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),
    "firingSentAt" TIMESTAMP(3),
    "resolvedSentAt" TIMESTAMP(3),
    "lastDeliveryError" TEXT,

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Alert_openKey_key" ON "Alert"("openKey");

-- CreateIndex
CREATE INDEX "Alert_openedAt_idx" ON "Alert"("openedAt");
