import "server-only";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PgClient } from "@/generated/postgresql/client";
import { PrismaClient } from "@/generated/sqlite/client";
import { getConfig, type Config } from "./config";

export type Db = PrismaClient;

export function createDb(database: Config["database"]): Db {
  if (database.provider === "sqlite") {
    return new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: database.file, timeout: 10_000 }) });
  }
  // Both generated clients come from the same models, so their query API is the same;
  // TypeScript sees two nominally different classes, hence the one cast here.
  return new PgClient({ adapter: new PrismaPg({ connectionString: database.url }) }) as unknown as Db;
}

const globalForDb = globalThis as unknown as { tickethubDb?: Db };

/** One client per process (kept across hot reloads in development). */
export function getDb(): Db {
  globalForDb.tickethubDb ??= createDb(getConfig().database);
  return globalForDb.tickethubDb;
}
