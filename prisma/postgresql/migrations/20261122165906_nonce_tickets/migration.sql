-- CreateTable
CREATE TABLE "NonceTicket" (
    "id" TEXT NOT NULL,
    "appRef" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "valueEnc" TEXT NOT NULL,
    "valueHash" TEXT NOT NULL,
    "issuedBy" TEXT NOT NULL,
    "issuedAt" TIMESTAMP(3) NOT NULL,
    "expiresIn" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "usedBy" TEXT,

    CONSTRAINT "NonceTicket_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "NonceTicket_issuedAt_idx" ON "NonceTicket"("issuedAt");

-- AddForeignKey
ALTER TABLE "NonceTicket" ADD CONSTRAINT "NonceTicket_appRef_fkey" FOREIGN KEY ("appRef") REFERENCES "VendorApp"("id") ON DELETE CASCADE ON UPDATE CASCADE;
