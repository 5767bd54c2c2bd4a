-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_RefreshLease" (
    "credentialId" TEXT NOT NULL PRIMARY KEY,
    "owner" TEXT NOT NULL,
    "instance" TEXT NOT NULL DEFAULT '',
    "acquiredAt" DATETIME NOT NULL,
    "heartbeatAt" DATETIME,
    "expiresAt" DATETIME NOT NULL,
    CONSTRAINT "RefreshLease_credentialId_fkey" FOREIGN KEY ("credentialId") REFERENCES "Credential" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_RefreshLease" ("acquiredAt", "credentialId", "expiresAt", "owner") SELECT "acquiredAt", "credentialId", "expiresAt", "owner" FROM "RefreshLease";
DROP TABLE "RefreshLease";
ALTER TABLE "new_RefreshLease" RENAME TO "RefreshLease";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
