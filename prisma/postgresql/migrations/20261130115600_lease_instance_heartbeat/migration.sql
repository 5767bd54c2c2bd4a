-- AlterTable
ALTER TABLE "RefreshLease" ADD COLUMN     "heartbeatAt" TIMESTAMP(3),
ADD COLUMN     "instance" TEXT NOT NULL DEFAULT '';
