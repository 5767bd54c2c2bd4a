-- AlterTable
ALTER TABLE "VendorApp" ADD COLUMN "tokenPath" TEXT;
