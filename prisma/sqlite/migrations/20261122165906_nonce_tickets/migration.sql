-- CreateTable
CREATE TABLE "NonceTicket" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "appRef" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "valueEnc" TEXT NOT NULL,
    "valueHash" TEXT NOT NULL,
    "issuedBy" TEXT NOT NULL,
    "issuedAt" DATETIME NOT NULL,
    "expiresIn" INTEGER NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "usedBy" TEXT,
    CONSTRAINT "NonceTicket_appRef_fkey" FOREIGN KEY ("appRef") REFERENCES "VendorApp" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "NonceTicket_issuedAt_idx" ON "NonceTicket"("issuedAt");
