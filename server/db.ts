import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PgClient } from "@/generated/postgresql/client";
import { PrismaClient } from "@/generated/sqlite/client";
import { getConfig, type Config } from "./config";
import { processSingleton } from "./process-state";
import { sqliteAdapter } from "./sqlite-adapter";

export type Db = PrismaClient;

export function createDb(database: Config["database"]): Db {
  if (database.provider === "sqlite") {
    return new PrismaClient({ adapter: sqliteAdapter(database.file) });
  }
  // Both generated clients come from the same models, so their query API is the same;
  // TypeScript sees two nominally different classes, hence the one cast here.
  // A database that does not answer a connect within 5 s counts as unreachable (reads then fall back
  // to the values this instance last confirmed) rather than holding every request.
  return new PgClient({ adapter: new PrismaPg({ connectionString: database.url, connectionTimeoutMillis: 5_000 }) }) as unknown as Db;
}

/** One client per process (process-state.ts; also kept across hot reloads in development). */
export function getDb(): Db {
  return processSingleton("tickethubDb", () => createDb(getConfig().database));
}

/** The database's own clock, in ms since the epoch (the time every instance agrees on; see clock.ts). */
export async function databaseNowMs(db: Db = getDb()): Promise<number> {
  const sql =
    getConfig().database.provider === "postgresql"
      ? `SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::float8 AS ms`
      : `SELECT (julianday('now') - 2440587.5) * 86400000.0 AS ms`;
  const rows = await db.$queryRawUnsafe<{ ms: number | string }[]>(sql);
  return Number(rows[0]?.ms);
}
