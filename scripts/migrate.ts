// `npm run migrate`: applies the committed migrations to DATABASE_URL (the start command does this too).
import { ConfigError, describeDatabase, parseConfig } from "../server/config";
import { applyMigrations } from "./lib/migrations";

try {
  const { database } = parseConfig();
  const applied = await applyMigrations(database.url);
  console.log(`${describeDatabase(database)}: ${applied.length ? `applied ${applied.join(", ")}` : "up to date"}`);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `migration failed: ${(err as Error).message}`);
  process.exit(1);
}
