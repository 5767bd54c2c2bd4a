// SQLite copies its write-ahead log back into the database file (a checkpoint) inside the commit
// that takes the log past 1,000 pages, on the committing connection's thread: for Ticket Hub, the
// event loop. These tests hold the connection to leaving that to a worker thread, which does it.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sqliteAdapter } from "./sqlite-adapter";
import { CEILING_PAGES, checkpointInBackground, type Checkpointer, leaveCheckpointsToAnotherProcess } from "./sqlite-checkpoints";

describe("checkpoints in a worker thread", () => {
  let dir: string | null = null;
  let db: Database.Database | null = null;
  let checkpoints: Checkpointer | null = null;
  afterEach(async () => {
    await checkpoints?.stop();
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    [dir, db, checkpoints] = [null, null, null];
    vi.restoreAllMocks();
    leaveCheckpointsToAnotherProcess(false);
  });

  /** A database file in WAL mode, with one table. */
  function walFile(): string {
    dir = mkdtempSync(path.join(tmpdir(), "tickethub-ckpt-"));
    const file = path.join(dir, "t.db");
    const setup = new Database(file);
    setup.pragma("journal_mode = WAL");
    setup.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)");
    setup.close();
    return file;
  }

  /** ~6 MB in 1,500 commits: the log passes 1,000 pages (4 MB at 4 KiB) after about 1,000 of them. */
  function commitSixMegabytes(to: Database.Database) {
    const insert = to.prepare("INSERT INTO t (body) VALUES (?)");
    for (let i = 0; i < 1_500; i++) insert.run(Buffer.alloc(4_000, i % 251));
  }

  it("commits past 1,000 pages of log leave the copy to the worker, which makes it", async () => {
    const file = walFile();
    db = new Database(file);
    // Rounds only when asked (an hour apart otherwise): what happens in between is the connection's own doing.
    checkpoints = checkpointInBackground(db, 3_600_000);
    expect(checkpoints).not.toBeNull();
    commitSixMegabytes(db);
    const size = () => statSync(file).size;
    // Nothing was copied back by the commits: the data is in the log only.
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(5_000_000);
    expect(size()).toBeLessThan(1_000_000);
    const round = await checkpoints!.now();
    expect(round).toMatchObject({ busy: false, checkpointed: round.log });
    expect(round.log).toBeGreaterThan(1_000);
    expect(size()).toBeGreaterThan(5_000_000);
    expect(db.prepare("SELECT COUNT(*) AS n FROM t").get()).toEqual({ n: 1_500 });
  });

  it("a process that leaves them to another (the read plane) starts no worker, and its commits still leave the copy alone", () => {
    const file = walFile();
    db = new Database(file);
    leaveCheckpointsToAnotherProcess();
    expect(checkpointInBackground(db, 50)).toBeNull();
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(CEILING_PAGES);
    commitSixMegabytes(db);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(5_000_000);
    expect(statSync(file).size).toBeLessThan(1_000_000);
  });

  it("every SQLite client gets it: the adapter's connection checkpoints only past the ceiling", async () => {
    const file = walFile();
    const adapter = await sqliteAdapter(file).connect();
    try {
      const result = await adapter.queryRaw({ sql: "PRAGMA wal_autocheckpoint", args: [], argTypes: [] });
      expect(result.rows).toEqual([[CEILING_PAGES]]);
    } finally {
      await adapter.dispose();
    }
  });

  it("a worker that cannot open the file hands the checkpoints back to the connection", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const pragmas: string[] = [];
    // A file in a folder that does not exist: the worker cannot open it.
    const connection = {
      name: path.join(tmpdir(), "tickethub-no-such-dir", "t.db"),
      pragma: (p: string) => {
        pragmas.push(p);
        return p === "journal_mode" ? "wal" : undefined;
      },
    };
    checkpoints = checkpointInBackground(connection, 50);
    await vi.waitFor(() => expect(pragmas).toEqual(["journal_mode", `wal_autocheckpoint=${CEILING_PAGES}`, "wal_autocheckpoint=1000"]), { timeout: 10_000 });
    expect(errors.mock.calls.flat().join(" ")).toMatch(/background checkpoints stopped \(.*directory does not exist/);
  });

  it("no write-ahead log, no worker: an in-memory database, a file in rollback mode", () => {
    db = new Database(":memory:");
    expect(checkpointInBackground(db)).toBeNull();
    db.close();
    dir = mkdtempSync(path.join(tmpdir(), "tickethub-ckpt-"));
    db = new Database(path.join(dir, "rollback.db"));
    expect(checkpointInBackground(db)).toBeNull();
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
  });
});
