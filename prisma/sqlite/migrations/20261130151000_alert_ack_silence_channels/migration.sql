-- AlterTable
ALTER TABLE "Alert" ADD COLUMN "acknowledgedAt" DATETIME;
ALTER TABLE "Alert" ADD COLUMN "acknowledgedBy" TEXT;
ALTER TABLE "Alert" ADD COLUMN "silencedBy" TEXT;
ALTER TABLE "Alert" ADD COLUMN "silencedUntil" DATETIME;

-- AlterTable
ALTER TABLE "VendorApp" ADD COLUMN "alertChannelEnc" TEXT;
