-- AlterTable
ALTER TABLE "VendorApp" ADD COLUMN "quotaClearedAt" DATETIME;
