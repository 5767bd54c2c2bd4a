// The process's database client (SQLite, from the harness's configuration), replaced by one built the
// same way (server/sqlite-adapter.ts) that also reports every statement it sends (the client's
// `query` log events, which Prisma 7 emits with driver adapters too): for the tests that count or
// explain what a piece of work asks the database.
import type { Db } from "@/server/db";

export type SentStatement = { query: string; params: string };

/**
 * Swaps the process's client (server/db.ts) for a counting one; returns it and the database file's
 * path. Call it after the harness has started (the configuration is read then).
 */
export async function swapInCountingClient(onQuery: (s: SentStatement) => void): Promise<{ db: Db; file: string }> {
  const { sqliteAdapter } = await import("@/server/sqlite-adapter");
  const { PrismaClient } = await import("@/generated/sqlite/client");
  const { getConfig } = await import("@/server/config");
  const { database } = getConfig();
  if (database.provider !== "sqlite") throw new Error("expected SQLite");
  const counting = new PrismaClient({ adapter: sqliteAdapter(database.file), log: [{ emit: "event", level: "query" }] });
  counting.$on("query", (e) => onQuery({ query: e.query, params: e.params }));
  const slots = globalThis as { tickethubDb?: Db };
  await slots.tickethubDb?.$disconnect();
  slots.tickethubDb = counting as unknown as Db;
  return { db: counting as unknown as Db, file: database.file };
}
