-- AlterTable
ALTER TABLE "NonceTicket" ADD COLUMN "tokenVersionId" TEXT;
