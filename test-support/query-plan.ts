// How SQLite would run a statement (EXPLAIN QUERY PLAN), for the tests that hold a hot or repeated
// query to its indexes. Read through a connection of its own, read-only, on the harness's database
// file: the plans are not the work under test, and a counting client does not see them.
import Database from "better-sqlite3";

export interface PlanReader {
  /** The plan's steps for `sql` with `params` (as a Prisma query event logs them), one line each. */
  steps(sql: string, params?: unknown[]): string[];
  close(): void;
}

/** A plan reader on the SQLite harness's database file (the configuration's, when `file` is not given). */
export async function openPlanReader(file?: string): Promise<PlanReader> {
  let path = file;
  if (!path) {
    const { database } = (await import("@/server/config")).getConfig();
    if (database.provider !== "sqlite") throw new Error("expected SQLite");
    path = database.file;
  }
  const sqlite = new Database(path, { readonly: true });
  return {
    steps: (sql, params = []) =>
      sqlite
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        // better-sqlite3 binds no booleans; SQLite stores them as 0 and 1.
        .all(...params.map((p) => (typeof p === "boolean" ? Number(p) : p)))
        .map((r) => (r as { detail: string }).detail),
    close: () => sqlite.close(),
  };
}

/** The steps that visit every row of a table: directly, or through an index that does not cover the query. */
export function fullScans(steps: string[]): string[] {
  return steps.filter((d) => d.startsWith("SCAN ") && d !== "SCAN CONSTANT ROW" && !d.includes("USING COVERING INDEX"));
}
