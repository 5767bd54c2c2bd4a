// A database that refuses to store (as a full disk would), for tests of what a failed store does.

type RawClient = { $executeRawUnsafe(sql: string): Promise<unknown> };

/**
 * Makes the database refuse every insert into `table` until the returned function is called:
 * a trigger on SQLite, a trigger function on PostgreSQL.
 */
export async function refuseInserts(db: RawClient, provider: "sqlite" | "postgresql", table: string): Promise<() => Promise<void>> {
  const name = `refuse_${table.toLowerCase()}`;
  const [refuse, allow] =
    provider === "sqlite"
      ? [
          [`CREATE TRIGGER ${name} BEFORE INSERT ON "${table}" BEGIN SELECT RAISE(ABORT, 'simulated: the disk is full'); END`],
          [`DROP TRIGGER IF EXISTS ${name}`],
        ]
      : [
          [
            `CREATE FUNCTION ${name}() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'simulated: the disk is full'; END $$ LANGUAGE plpgsql`,
            `CREATE TRIGGER ${name} BEFORE INSERT ON "${table}" FOR EACH ROW EXECUTE FUNCTION ${name}()`,
          ],
          [`DROP TRIGGER IF EXISTS ${name} ON "${table}"`, `DROP FUNCTION IF EXISTS ${name}()`],
        ];
  for (const sql of refuse) await db.$executeRawUnsafe(sql);
  return async () => {
    for (const sql of allow) await db.$executeRawUnsafe(sql);
  };
}
