// The SQLite adapter compiles each statement once and reuses it (server/sqlite-adapter.ts). Reuse
// must not change a single answer: each call runs with its own arguments, a statement that failed
// runs again, and a transaction that throws still rolls back.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { tempDataDir } from "@/test-support/test-db";
import type { Db } from "./db";

describe("SQLite statements compiled once", () => {
  let db: Db;
  const prepare = vi.spyOn(Database.prototype, "prepare");
  const compiled = (sql: string) => prepare.mock.calls.filter(([s]) => s === sql).length;

  beforeAll(async () => {
    const { createDb } = await import("./db");
    db = createDb({ provider: "sqlite", url: "", file: tempDataDir().file });
    await db.$executeRawUnsafe(`CREATE TABLE "T" (k TEXT PRIMARY KEY, v INTEGER NOT NULL)`);
  });
  afterAll(async () => {
    await db?.$disconnect();
  });

  it("runs one compiled statement with each call's own arguments", async () => {
    const sql = `SELECT ? + 1 AS n`;
    const answers = [];
    for (const x of [1, 41, 99]) answers.push(Number((await db.$queryRawUnsafe<{ n: bigint }[]>(sql, x))[0]!.n));
    expect(answers).toEqual([2, 42, 100]);
    expect(compiled(sql)).toBe(1);
  });

  it("keeps a statement used all along compiled while hundreds of others come and go", async () => {
    const hot = `SELECT ? * 2 AS hot`;
    // More one-off statements than the cache holds (500), the hot one used among them.
    for (let i = 0; i < 1_100; i++) {
      if (i % 100 === 0) expect(Number((await db.$queryRawUnsafe<{ hot: bigint }[]>(hot, i))[0]!.hot)).toBe(2 * i);
      await db.$queryRawUnsafe(`SELECT ${i} + ? AS n`, 1);
    }
    expect(compiled(hot)).toBe(1);
  });

  it("runs a statement again after it failed", async () => {
    const insert = `INSERT INTO "T" (k, v) VALUES (?, ?)`;
    await db.$executeRawUnsafe(insert, "a", 1);
    await expect(db.$executeRawUnsafe(insert, "a", 2)).rejects.toThrow(/UNIQUE/);
    await db.$executeRawUnsafe(insert, "b", 3);
    const rows = await db.$queryRawUnsafe<{ k: string; v: bigint }[]>(`SELECT k, v FROM "T" ORDER BY k`);
    expect(rows.map((r) => [r.k, Number(r.v)])).toEqual([
      ["a", 1],
      ["b", 3],
    ]);
    expect(compiled(insert)).toBe(1);
  });

  it("still rolls back a transaction that throws, and commits one that does not", async () => {
    const insert = `INSERT INTO "T" (k, v) VALUES (?, ?)`;
    await expect(
      db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(insert, "c", 4);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(insert, "d", 5);
    });
    const keys = (await db.$queryRawUnsafe<{ k: string }[]>(`SELECT k FROM "T" ORDER BY k`)).map((r) => r.k);
    expect(keys).toEqual(["a", "b", "d"]);
  });

  it("keeps a query made while a transaction is open out of it: the transaction's rollback leaves it in place", async () => {
    const insert = `INSERT INTO "T" (k, v) VALUES (?, ?)`;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let began!: () => void;
    const inside = new Promise<void>((resolve) => (began = resolve));
    const lost = db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(insert, "in-tx", 6);
      began();
      await held;
      throw new Error("lost its compare-and-set");
    });
    await inside;
    // Another part of the process writes meanwhile (a lease, the scheduler's plan).
    const meanwhile = db.$executeRawUnsafe(insert, "meanwhile", 7);
    // Time for it to run, were it let in (it was, before: inside the open transaction, done in a few ms).
    await Promise.race([meanwhile, new Promise((resolve) => setTimeout(resolve, 1_000))]);
    release();
    await expect(lost).rejects.toThrow("lost its compare-and-set");
    await meanwhile;
    const keys = (await db.$queryRawUnsafe<{ k: string }[]>(`SELECT k FROM "T" WHERE k IN ('in-tx', 'meanwhile')`)).map((r) => r.k);
    expect(keys).toEqual(["meanwhile"]);
  });

  it("lets a timer run between queries once they have run for a slice (SQLite answers on this thread)", async () => {
    const { SLICE_MS } = await import("./sqlite-adapter");
    // Queries back to back, as a burst of refreshes makes them: without a turn of the event loop a
    // timer due meanwhile would wait for the whole burst (here: for ever, the loop stops only when it fires).
    let done = 0;
    let firedAfter: number | null = null;
    setTimeout(() => {
      firedAfter = done;
    }, 0);
    const until = performance.now() + 3_000;
    while (firedAfter === null && performance.now() < until) {
      await db.$queryRawUnsafe(`SELECT 1`);
      done++;
    }
    expect(firedAfter).not.toBeNull();
    // A transaction's statements still run back to back (anything run in a pause would run inside it).
    let between = 0;
    const tick = setInterval(() => between++, 0);
    await db.$transaction(async (tx) => {
      const txUntil = performance.now() + 5 * SLICE_MS;
      while (performance.now() < txUntil) await tx.$queryRawUnsafe(`SELECT 1`);
    });
    clearInterval(tick);
    expect(between).toBe(0);
  });

  it("counts the work between queries: a chain that spends a slice between two of them still lets a timer run", async () => {
    const { SLICE_MS } = await import("./sqlite-adapter");
    // Each step shapes what it read for longer than a slice before its next query (a cache load
    // decrypting a page of values): no pause of the event loop in between, only of the database.
    let steps = 0;
    let firedAfter: number | null = null;
    setTimeout(() => {
      firedAfter = steps;
    }, 0);
    for (; firedAfter === null && steps < 50; steps++) {
      await db.$queryRawUnsafe(`SELECT 1`);
      const busyUntil = performance.now() + SLICE_MS + 2;
      while (performance.now() < busyUntil);
    }
    // The timer runs before the step after the one that used up the slice (here: the first).
    expect(firedAfter).not.toBeNull();
    expect(firedAfter).toBeLessThanOrEqual(2);
  });

  it("keeps the order writes were made in across the pauses", async () => {
    await db.$executeRawUnsafe(`CREATE TABLE "L" (n INTEGER NOT NULL)`);
    // Thousands at once, several slices' worth: those that wait for the loop's turn, and those made
    // while others wait, still land in the order they were made.
    const made: Promise<unknown>[] = [];
    for (let i = 0; i < 3_000; i++) made.push(db.$executeRawUnsafe(`INSERT INTO "L" (n) VALUES (?)`, i));
    await Promise.all(made);
    const order = (await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT n FROM "L" ORDER BY rowid`)).map((r) => Number(r.n));
    expect(order).toEqual(Array.from({ length: 3_000 }, (_, i) => i));
  });
});

describe("SQLite transactions beside another process's writes", () => {
  it("a transaction that reads, then writes, after another connection wrote in between, commits instead of failing with SQLITE_BUSY", async () => {
    const { file } = tempDataDir();
    // The other process (another instance, the read plane): its own connection to the same file, in WAL mode as Ticket Hub's.
    const other = new Database(file, { timeout: 0 });
    other.pragma("journal_mode = WAL");
    other.exec(`CREATE TABLE "T" (k TEXT PRIMARY KEY, v INTEGER NOT NULL); INSERT INTO "T" (k, v) VALUES ('a', 1)`);
    const { createDb } = await import("./db");
    const db = createDb({ provider: "sqlite", url: "", file });
    const bump = `UPDATE "T" SET v = v + 10 WHERE k = 'a'`;
    try {
      let meanwhile = "";
      // As a refresh's store (and Prisma's own `update`) does: read first, write after.
      await db.$transaction(async (tx) => {
        await tx.$queryRawUnsafe(`SELECT v FROM "T" WHERE k = 'a'`);
        try {
          other.prepare(bump).run();
          meanwhile = "wrote";
        } catch (err) {
          meanwhile = (err as { code: string }).code;
        }
        await tx.$executeRawUnsafe(`UPDATE "T" SET v = v + 1 WHERE k = 'a'`);
      });
      // The lock was the transaction's from its start: the other writer was the one told to wait
      // (with no busy timeout here, it is refused at once instead), and gets its turn after the commit.
      expect(meanwhile).toBe("SQLITE_BUSY");
      other.prepare(bump).run();
      const rows = await db.$queryRawUnsafe<{ v: bigint }[]>(`SELECT v FROM "T" WHERE k = 'a'`);
      expect(Number(rows[0]!.v)).toBe(12);
    } finally {
      await db.$disconnect();
      other.close();
    }
  });
});
