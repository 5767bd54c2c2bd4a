-- CreateTable
CREATE TABLE "VendorApp" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "vendor" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "secretEnc" TEXT NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "tokenVariant" TEXT NOT NULL DEFAULT 'default',
    "policy" TEXT NOT NULL DEFAULT '{}',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Credential" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "appRef" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "generation" INTEGER NOT NULL DEFAULT 0,
    "currentVersionId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "lastError" TEXT,
    "lastErrorClass" TEXT,
    "lastErrorAt" DATETIME,
    "consecutiveFailures" INTEGER NOT NULL DEFAULT 0,
    "nextRefreshAt" DATETIME,
    "nextRefreshReason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Credential_appRef_fkey" FOREIGN KEY ("appRef") REFERENCES "VendorApp" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CredentialVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "credentialId" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "valueEnc" TEXT NOT NULL,
    "valueHash" TEXT NOT NULL,
    "fetchedAt" DATETIME NOT NULL,
    "expiresIn" INTEGER NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "vendorExpireTime" TEXT,
    "supersededAt" DATETIME,
    "validUntil" DATETIME,
    "parentVersionId" TEXT,
    "upstreamCallId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CredentialVersion_credentialId_fkey" FOREIGN KEY ("credentialId") REFERENCES "Credential" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "UpstreamCall" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "appRef" TEXT,
    "credentialId" TEXT,
    "vendor" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "latencyMs" INTEGER NOT NULL,
    "httpStatus" INTEGER,
    "vendorCode" TEXT,
    "vendorMessage" TEXT,
    "errorClass" TEXT,
    "bodyRedacted" TEXT,
    CONSTRAINT "UpstreamCall_appRef_fkey" FOREIGN KEY ("appRef") REFERENCES "VendorApp" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "outcome" TEXT NOT NULL,
    "detail" TEXT
);

-- CreateTable
CREATE TABLE "RefreshLease" (
    "credentialId" TEXT NOT NULL PRIMARY KEY,
    "owner" TEXT NOT NULL,
    "acquiredAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    CONSTRAINT "RefreshLease_credentialId_fkey" FOREIGN KEY ("credentialId") REFERENCES "Credential" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "VendorApp_vendor_appId_key" ON "VendorApp"("vendor", "appId");

-- CreateIndex
CREATE UNIQUE INDEX "Credential_appRef_kind_key" ON "Credential"("appRef", "kind");

-- CreateIndex
CREATE INDEX "CredentialVersion_valueHash_idx" ON "CredentialVersion"("valueHash");

-- CreateIndex
CREATE UNIQUE INDEX "CredentialVersion_credentialId_generation_key" ON "CredentialVersion"("credentialId", "generation");

-- CreateIndex
CREATE INDEX "UpstreamCall_appRef_endpoint_day_idx" ON "UpstreamCall"("appRef", "endpoint", "day");

-- CreateIndex
CREATE INDEX "UpstreamCall_credentialId_startedAt_idx" ON "UpstreamCall"("credentialId", "startedAt");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");
