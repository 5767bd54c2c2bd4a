-- AlterTable
ALTER TABLE "Alert" ADD COLUMN     "acknowledgedAt" TIMESTAMP(3),
ADD COLUMN     "acknowledgedBy" TEXT,
ADD COLUMN     "silencedBy" TEXT,
ADD COLUMN     "silencedUntil" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "VendorApp" ADD COLUMN     "alertChannelEnc" TEXT;
