// A throwaway SQLite database for tests that need the real schema: a temporary folder, the
// committed migrations applied, and (for code that reads its config from the environment) the
// process environment pointed at it.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { applyMigrations } from "@/scripts/lib/migrations";

/** The secret key every test database is encrypted with (never a real one). */
export const TEST_SECRET_KEY = "11".repeat(32);

/** A new, empty folder under the system's temp folder, e.g. for a test's data directory. */
export function tempDataDir(prefix = "tickethub-test-"): { dataDir: string; file: string; url: string } {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = path.join(dataDir, "test.db");
  return { dataDir, file, url: `file:${file}` };
}

/**
 * Points the server's config at a database (DATABASE_URL, TICKETHUB_DATA_DIR, the test secret
 * key, plus `extra`). Call it before the first import of anything that reads the config.
 */
export function pointEnvAt(url: string, dataDir: string, extra: Record<string, string> = {}): void {
  Object.assign(process.env, { DATABASE_URL: url, TICKETHUB_DATA_DIR: dataDir, TICKETHUB_SECRET_KEY: TEST_SECRET_KEY, ...extra });
}

/** A fresh SQLite file in its own temp folder with every migration applied. */
export async function migratedSqlite(prefix?: string): Promise<{ dataDir: string; file: string; url: string }> {
  const db = tempDataDir(prefix);
  await applyMigrations(db.url);
  return db;
}
