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
