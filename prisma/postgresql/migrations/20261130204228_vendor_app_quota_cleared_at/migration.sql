-- AlterTable
ALTER TABLE "VendorApp" ADD COLUMN     "quotaClearedAt" TIMESTAMP(3);
