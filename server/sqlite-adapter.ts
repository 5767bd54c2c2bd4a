import "server-only";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { type Connection, checkpointInBackground } from "./sqlite-checkpoints";

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

/**
 * How every transaction begins (the adapter's own `BEGIN`: Prisma's interactive transactions and the
 * ones it opens for an `update`, which reads the row before and after writing it). A deferred
 * `BEGIN` takes the write lock only at the first write, and in WAL mode a transaction that has read
 * by then cannot get it if another connection committed since its read: SQLite answers SQLITE_BUSY
 * at once, without waiting out the busy timeout (https://sqlite.org/lang_transaction.html, "read
 * transactions"). With three instances (six processes) on one file under load that failed a
 * refresh after its vendor call now and then ("Operation has timed out", a failure with an empty
 * message): the fetched value was dropped and fetched again, one vendor call too many
 * (e2e/multi-instance.spec.ts). `BEGIN IMMEDIATE` takes the lock first, waiting for it within the
 * busy timeout like any other write; every transaction here writes.
 */
const BEGIN_WRITE = "BEGIN IMMEDIATE";

/**
 * Makes `client.prepare` hand out views of statements compiled once (bounded; the one unused longest
 * goes first: a Map keeps insertion order, and a statement used again moves to its end); a
 * transaction's `BEGIN` is `BEGIN IMMEDIATE` (BEGIN_WRITE).
 */
export function cacheStatements(client: Client): void {
  const prepare = client.prepare.bind(client);
  const statements = new Map<string, Statement>();
  client.prepare = ((text: string) => {
    const sql = text === "BEGIN" ? BEGIN_WRITE : text;
    let stmt = statements.get(sql);
    if (stmt) {
      statements.delete(sql);
      statements.set(sql, stmt);
    } else {
      stmt = prepare(sql);
      if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value!);
      statements.set(sql, stmt);
    }
    return new OneShot(stmt);
  }) as unknown as Client["prepare"];
}

/**
 * better-sqlite3 answers on this thread, and the adapter hands each answer back as a promise already
 * resolved: a chain of queries (a refresh's dozen, a page of a cache load, the scheduler's pass) runs
 * from start to end without returning to the event loop, and many at once run as one long stretch of
 * microtasks. Timers wait meanwhile: with 3,000 apps at 12× the scheduler's timers fired 100-160 ms
 * late in bursts (a planned refresh 1-2 s (simulated) late: bench/scale.ts), while no single task or
 * garbage collection took more than ~40 ms. So once queries have run for SLICE_MS without a turn of
 * the event loop, the next one waits for its next turn (setImmediate): timers and I/O get their turn
 * within a slice or two. A query after the loop has turned starts a new slice without waiting. The
 * work between the queries counts: a slice is timed from its first query, and only a turn of the
 * loop ends it (an immediate queued as it starts has run), not a pause between two queries. Until
 * 2026-12-04 a pause of SLICE_MS between two queries started a new slice too, so a chain whose own
 * work between queries took that long (results shaped, values decrypted) never waited at all.
 *
 * Not inside a transaction: it holds the connection (anything else run meanwhile would run inside
 * it), so its statements still run back to back.
 */
export const SLICE_MS = 10;
let sliceStartedAt = 0;
/** The event loop has turned since the slice began: the next query starts a new one. */
let loopTurned = true;
let turn: Promise<void> | null = null;

/**
 * A promise to wait on before the next query (the slice is used up, or queries wait already: they
 * keep their order), or null to go on at once.
 */
function nextTurn(): Promise<void> | null {
  if (turn) return turn;
  const at = performance.now();
  if (loopTurned) {
    loopTurned = false;
    sliceStartedAt = at;
    setImmediate(() => {
      loopTurned = true;
    });
    return null;
  }
  if (at - sliceStartedAt < SLICE_MS) return null;
  turn = new Promise((resolve) =>
    setImmediate(() => {
      turn = null;
      loopTurned = true;
      resolve();
    }),
  );
  return turn;
}

type Queryable = {
  queryRaw(query: unknown): Promise<unknown>;
  executeRaw(query: unknown): Promise<unknown>;
  startTransaction(...args: unknown[]): Promise<unknown>;
};

/**
 * Makes `adapter`'s own queries, and the start of its transactions (not the statements inside
 * them), give the event loop a turn every SLICE_MS. A transaction begins after the queries waiting
 * for their turn, as it would have without it.
 */
export function yieldEverySlice(adapter: Queryable): void {
  for (const method of ["queryRaw", "executeRaw"] as const) {
    const run = adapter[method].bind(adapter);
    adapter[method] = async (query: unknown) => {
      // Again after each turn: the queries that waited for it use up the next slice like any others.
      for (let wait = nextTurn(); wait; wait = nextTurn()) await wait;
      return run(query);
    };
  }
  const begin = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (...args: unknown[]) => {
    // A transaction starts a query too: after a used-up slice it waits for the loop's turn like one.
    for (let wait = nextTurn(); wait; wait = nextTurn()) await wait;
    return begin(...args);
  };
}

/**
 * Makes `adapter`'s own queries wait while one of its transactions is open (or waiting to begin).
 * The adapter has one connection, and only its transactions take turns on it: a query the process
 * made meanwhile (the scheduler's, a lease's, a session's) ran inside whatever transaction was open,
 * and went with it when that one rolled back (a refresh that lost its compare-and-set,
 * store-version.ts). No transaction here queries through the plain client (a query that did would
 * wait for its own transaction for good): each uses the `tx` it is given.
 */
export function keepQueriesOutOfTransactions(adapter: Queryable): void {
  let open = 0;
  let ended: Promise<void> | null = null;
  let end: (() => void) | null = null;
  const enter = () => {
    if (open++ === 0) ended = new Promise((resolve) => (end = resolve));
  };
  const leave = () => {
    if (--open > 0) return;
    const wake = end;
    ended = null;
    end = null;
    wake?.();
  };
  for (const method of ["queryRaw", "executeRaw"] as const) {
    const run = adapter[method].bind(adapter);
    adapter[method] = async (query: unknown) => {
      while (ended) await ended;
      return run(query);
    };
  }
  const begin = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (...args: unknown[]) => {
    enter();
    let tx: { commit(): Promise<void>; rollback(): Promise<void> };
    try {
      tx = (await begin(...args)) as typeof tx;
    } catch (err) {
      leave();
      throw err;
    }
    let left = false;
    for (const method of ["commit", "rollback"] as const) {
      const finish = tx[method].bind(tx);
      tx[method] = async () => {
        try {
          return await finish();
        } finally {
          if (!left) {
            left = true;
            leave();
          }
        }
      };
    }
    return tx;
  };
}

/** The adapter for a SQLite file, its statements compiled once and its checkpoints in a worker thread (above). */
type Factory = Pick<PrismaBetterSqlite3, "provider" | "adapterName" | "connect">;
export function sqliteAdapter(file: string, timeout = 10_000): Factory {
  const inner = new PrismaBetterSqlite3({ url: file, timeout });
  const tuned = async (adapter: ReturnType<Factory["connect"]>) => {
    const a = await adapter;
    const client = (a as unknown as { client: Client & Connection }).client;
    cacheStatements(client);
    yieldEverySlice(a as unknown as Queryable);
    keepQueriesOutOfTransactions(a as unknown as Queryable);
    // Checkpoints off the event loop (sqlite-checkpoints.ts), until the connection closes.
    const checkpoints = checkpointInBackground(client);
    if (checkpoints) {
      const dispose = a.dispose.bind(a);
      a.dispose = async () => {
        await checkpoints.stop();
        return dispose();
      };
    }
    return a;
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: () => tuned(inner.connect()),
  };
}
