-- AlterTable
ALTER TABLE "Alert" ADD COLUMN     "sentence" TEXT;
