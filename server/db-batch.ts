import "server-only";

/**
 * How many values one `in (…)` list carries at most. Each is a bound parameter, and the database
 * (through Prisma's driver adapter) refuses a statement with too many: 6,750 credentials of 3,000
 * apps in one list made the overview answer 500.
 */
export const IN_BATCH = 500;

/** `query` run over `values` IN_BATCH at a time (one after another), the rows of every batch together. */
export async function inBatches<V, T>(values: readonly V[], query: (batch: V[]) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (let i = 0; i < values.length; i += IN_BATCH) rows.push(...(await query(values.slice(i, i + IN_BATCH))));
  return rows;
}

/** Lets the event loop run (timers, I/O, other requests) before going on. */
export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * How many items a page of a whole-fleet read carries (every credential of every app, for the
 * overview, the alerts, the metrics, a full load of the read cache). With 3,000 apps such a read
 * in one go held the event loop for 0.4–0.9 s (the SQLite driver answers synchronously, and
 * decrypting and shaping thousands of rows is work too): the scheduler's timers fired up to a
 * second late and every request waited. A page of 100 held it ~25 ms on a quiet machine, but 35–77
 * ms in the 3,000-app benchmark (bench/scale.ts, 12×), where the alert evaluation (every credential
 * every 15 s, ~2 s of work) made bursts of scheduled refreshes start 1–2.6 s (simulated) late. With
 * pages of 50: 14 later than 1 s instead of 43 in the same 20 simulated minutes, the latest 1.4 s
 * instead of 2.6 s (pages of 25 did no better: 20, 1.7 s).
 */
export const PAGE = 50;

/**
 * `work` over `items` PAGE at a time, one page after another, letting the event loop run between
 * pages; the results of every page together, in order.
 */
export async function inPages<V, T>(items: readonly V[], work: (page: V[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < items.length; i += PAGE) {
    if (i > 0) await yieldToLoop();
    out.push(...(await work(items.slice(i, i + PAGE))));
  }
  return out;
}
