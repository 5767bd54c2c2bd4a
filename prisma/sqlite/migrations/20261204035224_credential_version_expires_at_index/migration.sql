-- Retention finds the versions that ended before its cutoff by their expiry (server/tickets/history.ts).

-- CreateIndex
CREATE INDEX IF NOT EXISTS "CredentialVersion_expiresAt_id_idx" ON "CredentialVersion"("expiresAt", "id");
