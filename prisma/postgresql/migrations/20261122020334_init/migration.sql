-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "VendorApp" (
    "id" TEXT NOT NULL,
    "vendor" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "secretEnc" TEXT NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "tokenVariant" TEXT NOT NULL DEFAULT 'default',
    "policy" TEXT NOT NULL DEFAULT '{}',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VendorApp_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Credential" (
    "id" TEXT NOT NULL,
    "appRef" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "generation" INTEGER NOT NULL DEFAULT 0,
    "currentVersionId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "lastError" TEXT,
    "lastErrorClass" TEXT,
    "lastErrorAt" TIMESTAMP(3),
    "consecutiveFailures" INTEGER NOT NULL DEFAULT 0,
    "nextRefreshAt" TIMESTAMP(3),
    "nextRefreshReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Credential_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CredentialVersion" (
    "id" TEXT NOT NULL,
    "credentialId" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "valueEnc" TEXT NOT NULL,
    "valueHash" TEXT NOT NULL,
    "fetchedAt" TIMESTAMP(3) NOT NULL,
    "expiresIn" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "vendorExpireTime" TEXT,
    "supersededAt" TIMESTAMP(3),
    "validUntil" TIMESTAMP(3),
    "parentVersionId" TEXT,
    "upstreamCallId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CredentialVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UpstreamCall" (
    "id" TEXT NOT NULL,
    "appRef" TEXT,
    "credentialId" TEXT,
    "vendor" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "latencyMs" INTEGER NOT NULL,
    "httpStatus" INTEGER,
    "vendorCode" TEXT,
    "vendorMessage" TEXT,
    "errorClass" TEXT,
    "bodyRedacted" TEXT,

    CONSTRAINT "UpstreamCall_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "outcome" TEXT NOT NULL,
    "detail" TEXT,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RefreshLease" (
    "credentialId" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "acquiredAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RefreshLease_pkey" PRIMARY KEY ("credentialId")
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

-- AddForeignKey
ALTER TABLE "Credential" ADD CONSTRAINT "Credential_appRef_fkey" FOREIGN KEY ("appRef") REFERENCES "VendorApp"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CredentialVersion" ADD CONSTRAINT "CredentialVersion_credentialId_fkey" FOREIGN KEY ("credentialId") REFERENCES "Credential"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UpstreamCall" ADD CONSTRAINT "UpstreamCall_appRef_fkey" FOREIGN KEY ("appRef") REFERENCES "VendorApp"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RefreshLease" ADD CONSTRAINT "RefreshLease_credentialId_fkey" FOREIGN KEY ("credentialId") REFERENCES "Credential"("id") ON DELETE CASCADE ON UPDATE CASCADE;
