import "server-only";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";

/**
 * Prisma's better-sqlite3 adapter compiles every query's SQL again (`db.prepare(sql)` per query):
 * with 3,000 apps the Next server spent ~5 of every 100 s in `prepare` alone (bench/scale.ts,
 * --cpu-prof), and SQLite runs on this thread, so that time was the scheduler's timers waiting.
 * Prisma sends the same few hundred statements again and again: each is compiled once here and
 * reused, as better-sqlite3's authors advise (WiseLibs/better-sqlite3#110, #793).
 *
 * What the adapter does with a statement is one-shot (`prepare(sql).bind(args)`, then `reader`,
 * `columns()`, `run()` or `raw().all()`), and better-sqlite3 binds a statement for good with
 * `bind`: the adapter gets a view that holds this call's arguments and runs the shared statement
 * with them. better-sqlite3 resets a statement after each run (and after an error), so a cached one
 * holds no lock between queries.
 */
const MAX_STATEMENTS = 500;

type Statement = {
  reader: boolean;
  run(args: unknown[]): unknown;
  columns(): unknown[];
  raw(on: boolean): { all(args: unknown[]): unknown[] };
};
type Client = { prepare(sql: string): Statement };

/** A statement's result columns, asked once: they are fixed when it is compiled (Prisma names every column). */
const columnsOf = new WeakMap<Statement, unknown[]>();

class OneShot {
  private args: unknown[] = [];
  constructor(private readonly stmt: Statement) {}
  get reader() {
    return this.stmt.reader;
  }
  bind(args: unknown[]) {
    this.args = args;
    return this;
  }
  run() {
    return this.stmt.run(this.args);
  }
  columns() {
    let columns = columnsOf.get(this.stmt);
    if (!columns) {
      columns = this.stmt.columns();
      columnsOf.set(this.stmt, columns);
    }
    return columns;
  }
  raw() {
    const { stmt, args } = this;
    return { all: () => stmt.raw(true).all(args) };
  }
}

/** Makes `client.prepare` hand out views of statements compiled once (bounded; the oldest goes first). */
export function cacheStatements(client: Client): void {
  const prepare = client.prepare.bind(client);
  const statements = new Map<string, Statement>();
  client.prepare = ((sql: string) => {
    let stmt = statements.get(sql);
    if (!stmt) {
      stmt = prepare(sql);
      if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value!);
      statements.set(sql, stmt);
    }
    return new OneShot(stmt);
  }) as unknown as Client["prepare"];
}

/** The adapter for a SQLite file, its statements compiled once (above). */
type Factory = Pick<PrismaBetterSqlite3, "provider" | "adapterName" | "connect">;
export function sqliteAdapter(file: string, timeout = 10_000): Factory {
  const inner = new PrismaBetterSqlite3({ url: file, timeout });
  const tuned = async (adapter: ReturnType<Factory["connect"]>) => {
    const a = await adapter;
    cacheStatements((a as unknown as { client: Client }).client);
    return a;
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: () => tuned(inner.connect()),
  };
}
